"""The identity guard over real HTTP: refused everywhere, echoed nowhere, kept nowhere."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.support.activities import ANNA, personal_activity, reply_text
from tests.support.numbers import personnummer

NUMBER = personnummer("121212", "121")  # synthetic, with a valid check digit
SAMORDNING = personnummer("121272", "121")  # day 12 + 60
DIGITS = NUMBER.replace("-", "")


def assert_refused(text: str) -> None:
    assert "personnummer" in text.lower()
    assert DIGITS not in text.replace("-", "") and NUMBER not in text
    assert "Patient ID" in text


def assert_refused_for_an_admin(text: str) -> None:
    """Channels and case cards are the admins': nobody phones them, and a card's answer is plain
    text in Teams (no markdown)."""
    assert "personnummer" in text.lower()
    assert DIGITS not in text.replace("-", "") and NUMBER not in text
    assert "ringer dig" not in text and "phones you" not in text


def files_contain(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


@pytest.mark.parametrize(
    "message",
    [
        f"Patienten har pnr {NUMBER}, kan ni ta bort?",
        f"({SAMORDNING})",
        "１２１２１２－" + NUMBER[-4:].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"20{DIGITS}",
        f"Vårdtillfälle {DIGITS[:2]}-{DIGITS[2:4]}-{DIGITS[4:6]}-{DIGITS[6:]}",  # date parts apart
        f"pnr {DIGITS[:6]}.{DIGITS[6:]}",
        f"{DIGITS[:8]} {DIGITS[8:]}",  # a split serial
    ],
)
async def test_a_number_in_a_message_is_refused_and_kept_nowhere(bot, message, caplog):
    caplog.set_level(logging.DEBUG)
    chat = bot.chat(ANNA)
    await chat.say("hej")  # greeted first, so the refusal is the only reply
    text = await chat.say(message)
    assert_refused(text)
    assert files_contain(bot.settings.data_dir, DIGITS.encode()) == []
    assert files_contain(bot.settings.data_dir, NUMBER.encode()) == []
    assert all(DIGITS not in record.getMessage().replace("-", "") for record in caplog.records)


async def test_a_number_in_a_card_submit_value_is_refused(bot):
    text = await bot.chat(ANNA).say(value={"intake": "submit", "note": {"deep": [f"pnr {NUMBER}"]}})
    assert_refused(text)


async def test_a_number_in_an_action_execute_is_refused_with_a_message_not_a_500(bot):
    status, body = await bot.chat(ANNA).invoke("case.take", {"case_id": "x", "comment": NUMBER})
    assert status == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert_refused_for_an_admin(body["value"])
    assert "**" not in body["value"] and "kortet" in body["value"]


async def test_a_number_in_the_html_attachment_teams_sends_is_refused(bot):
    chat = bot.chat(ANNA)
    html = {"contentType": "text/html", "content": f"<p>{NUMBER}</p>"}
    text = await chat.say("se bifogat", attachments=[html])
    assert_refused(text)


async def test_refusal_mid_intake_keeps_the_dialog_where_it_was(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    await chat.say("Region Västernorrland")
    await chat.say("nej")  # no ongoing episode
    asked = await chat.send(NUMBER)  # typed at the Patient ID prompt
    assert_refused(asked[0]["text"])
    assert asked[-1]["text"].startswith("Ange patientens **Patient ID**")  # the question again
    next_question = await chat.say("P12345")
    assert "skyddad identitet" in next_question.lower()


async def test_look_alikes_pass(bot):
    chat = bot.chat(ANNA)
    await chat.say("hej")
    for text in [
        "Ring mig på 070-123 45 67",
        "Org.nr 556016-0680",
        "Ärende INC0012345",
        "Möte 2026-11-25 14:30",
    ]:
        reply = await chat.say(text)
        assert "personnummer eller samordningsnummer" not in reply, text


async def test_channel_message_with_a_number_is_refused(bot):
    activity = personal_activity(ANNA, bot.connector.url, type="message", deliveryMode="expectReplies")
    activity["conversation"] = {
        "id": "19:central@thread.tacv2",
        "conversationType": "channel",
        "tenantId": "t",
    }
    activity["channelData"] = {"channel": {"id": "19:central@thread.tacv2"}, "team": {"id": "19:team"}}
    activity["text"] = f"<at>Skyddad ID</at> {NUMBER}"
    status, body = await bot.chat(ANNA).post(activity)
    assert status == 200
    assert_refused_for_an_admin(reply_text(body["activities"]))
