"""The check every test runs on what the bot sends: it catches what Teams would drop."""

from __future__ import annotations

from cards.common import adaptive_card
from tests.support.teams_limits import activity_violations, card_violations


def _submit(n: int) -> dict:
    return {"type": "Action.Submit", "title": f"knapp {n}", "data": {"n": n}}


def test_seven_actions_on_an_adaptive_card_are_caught():
    assert card_violations(adaptive_card([], [_submit(n) for n in range(7)]))
    assert not card_violations(adaptive_card([], [_submit(n) for n in range(6)]))


def test_seven_hero_card_buttons_are_caught():
    hero = {"contentType": "application/vnd.microsoft.card.hero", "content": {"buttons": [{}] * 7}}
    assert activity_violations({"type": "message", "attachments": [hero]})


def test_a_show_card_and_an_oversized_card_are_caught():
    inner = adaptive_card([], [_submit(n) for n in range(7)])
    assert card_violations(adaptive_card([], [{"type": "Action.ShowCard", "title": "x", "card": inner}]))
    big = adaptive_card([{"type": "TextBlock", "text": "x" * 30_000}])
    assert card_violations(big)
