"""The intake summary card's Action.Submit data, forged or broken: a reprompt, never an error."""

from __future__ import annotations

import logging

import pytest

from tests.dialogs.test_intake_http import answer_until_summary, card_action_data
from tests.support.activities import ANNA


@pytest.mark.parametrize(
    "forged",
    [
        {"intake": "change", "field": ["organisation"]},
        {"intake": "change", "field": {"a": 1}},
        {"intake": "change", "field": 5},
        {"intake": ["submit"]},
        {"intake": {"submit": True}},
    ],
)
async def test_forged_summary_data_is_reprompted_without_a_traceback(bot, caplog, forged):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    draft = card_action_data(card, "Skicka")["draft"]
    with caplog.at_level(logging.INFO):
        reply = await chat.say(value={**forged, "draft": draft})
    assert reply and "gick fel" not in reply
    assert not [r for r in caplog.records if r.exc_info or r.exc_text or r.levelno >= logging.ERROR]
    assert await bot.services.stores.cases.list() == []
