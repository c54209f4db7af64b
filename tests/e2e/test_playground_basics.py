"""The first things a member of staff sees, through the real Teams-like client.

Run with `make e2e`. Expected texts come from the Swedish message catalogue (the bot runs with
LANGUAGE=sv, since the Playground always sends "en-US"), rendered as plain text, so a reworded
message does not break these tests but a wrong or missing one does.
"""

from __future__ import annotations

import re

import pytest

from messages import text
from tests.e2e.playground import ADAPTIVE_CARD, BOT_LOCALE, Playground, plain, shown
from tests.support.numbers import personnummer

pytestmark = pytest.mark.e2e


def test_greeting_when_the_chat_opens(playground: Playground) -> None:
    with playground.step("greeting when the personal chat opens"):
        greeting = playground.wait_for_bot_text(shown("greeting"))
        assert "LifeCare SP" in greeting


def test_help_mentions_personnummer(playground: Playground) -> None:
    with playground.step("greeting"):
        playground.wait_for_bot_text(shown("greeting"))
    with playground.step("send hjälp"):
        playground.send("hjälp")
        reply = playground.wait_for_bot_text(shown("help"))
        assert "personnummer" in reply, f"help text does not mention personnummer: {reply!r}"


def test_personnummer_is_refused_and_not_repeated(playground: Playground) -> None:
    number = personnummer("121212", "121")  # synthetic, Luhn-valid: 121212-1212
    digits = number.replace("-", "")
    with playground.step("greeting"):
        playground.wait_for_bot_text(shown("greeting"))
    with playground.step("type a personnummer"):
        playground.send(f"Patienten har personnummer {number}")
        reply = playground.wait_for_bot_text(shown("guard_refused"))
        assert "personnummer" in reply
    with playground.step("the bot never repeats the number"):
        for said in [reply, *playground.settle()]:
            compact = re.sub(r"\D", "", said)
            assert number not in said and digits not in compact and "121212" not in said, (
                f"a bot message repeats the personnummer: {said!r}"
            )


def test_every_municipality_is_picked_on_the_list_and_mina_arenden_tells_where_the_case_is(
    playground: Playground,
) -> None:
    """Teams shows at most 6 buttons; the municipality question is an Adaptive Card choice list,
    so the seventh, Ånge, is on screen and can be picked. Then `mina ärenden` and withdrawing."""
    labels = [
        "Sundsvalls kommun",
        "Timrå kommun",
        "Härnösands kommun",
        "Kramfors kommun",
        "Sollefteå kommun",
        "Örnsköldsviks kommun",
        "Ånge kommun",
    ]
    with playground.step("greeting"):
        playground.wait_for_bot_text(shown("greeting"))
    with playground.step("Anna works in a municipality: all seven are listed"):
        playground.send("ny anmälan")
        playground.wait_for_bot_text(shown("ask_org_kind"))
        playground.send(shown("choice_municipality"))
        listed = playground.wait_for_bot_text(shown("ask_municipality"))
        for position, label in enumerate(labels, start=1):
            assert f"{position}. {label}" in listed, listed
    with playground.step("she picks the seventh, Ånge kommun, and clicks Välj"):
        question = playground.page.locator(ADAPTIVE_CARD).filter(has_text=shown("ask_municipality")).last
        question.get_by_text("7. Ånge kommun").click()
        playground.click_card_button(shown("button_choose"), card_text=shown("ask_municipality"))
        playground.wait_for_bot_text(shown("ask_has_episode"))
    with playground.step("she finishes and sends the report"):
        playground.send(shown("no"))
        playground.wait_for_bot_text(plain(text("ask_patient_id", BOT_LOCALE).split("(")[0]))
        playground.send("P55501")
        playground.wait_for_bot_text(shown("ask_protected"))
        playground.send(shown("yes"))
        summary = playground.wait_for_bot_text(shown("summary_title"))
        assert "Ånge kommun" in summary, summary
        playground.click_card_button(shown("button_submit"), card_text=shown("summary_title"))
        thanks = playground.wait_for_bot_text("SID-")
        found = re.search(r"SID-\d{4}-\d{4}", thanks)
        assert found, thanks
        number = found.group()
    with playground.step("mina ärenden: type, organisation, date and where the case is"):
        playground.send("mina ärenden")
        mine = playground.wait_for_bot_text(shown("my_cases_title"))
        assert number in mine and "Ånge kommun" in mine and shown("kind_A") in mine, mine
        assert plain(text("mine_unassigned", BOT_LOCALE)) in mine, mine
    with playground.step("withdrawing asks first"):
        playground.click_card_button(shown("button_withdraw_pick"), card_text=shown("my_cases_title"))
        playground.click_card_button(shown("button_withdraw_next"), card_text=shown("my_cases_title"))
        playground.wait_for_bot_text(plain(text("withdraw_confirm_title", BOT_LOCALE, number=number)))
    with playground.step("she confirms: withdrawn"):
        playground.click_card_button(shown("button_withdraw_yes"))
        playground.wait_for_bot_text(plain(text("withdrawn", BOT_LOCALE, number=number)))
