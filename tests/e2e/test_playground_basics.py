"""The first things a member of staff sees, through the real Teams-like client.

Run with `make e2e`. Expected texts come from the Swedish message catalogue (the bot runs with
LANGUAGE=sv, since the Playground always sends "en-US"), rendered as plain text, so a reworded
message does not break these tests but a wrong or missing one does.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.playground import Playground, shown
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
