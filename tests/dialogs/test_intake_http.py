"""The intake as staff walk it, over real HTTP (expectReplies), on the embedded store."""

from __future__ import annotations

import asyncio

import pytest

from domain.case import CaseKind, Status
from tests.support.activities import ANNA, MARIA, Chat, last_card, reply_text
from tests.support.numbers import personnummer

NUMBER = personnummer("121212", "121")


async def answer_until_summary(chat: Chat, answers: list[str]) -> dict:
    replies = []
    for answer in answers:
        replies = await chat.send(answer)
    return last_card(replies)


def card_action_data(card: dict, title: str) -> dict:
    for action in card.get("actions", []):
        if action.get("title") == title:
            return action["data"]
        for inner in (action.get("card") or {}).get("actions", []):
            if inner.get("title") == title:
                return inner["data"]
    raise AssertionError(f"no action {title!r} in card")


PATHS = [
    # (user, answers up to the summary, kind, organisation)
    (
        ANNA,
        ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"],
        CaseKind.A,
        "Region Västernorrland",
    ),
    (
        ANNA,
        ["ny anmälan", "1", "ja", "ja", "P12345", "VT-2026-77", "ja"],
        CaseKind.B,
        "Region Västernorrland",
    ),
    (MARIA, ["ny anmälan", "Kommun", "Sundsvall", "nej", "P777", "ja"], CaseKind.A, "Sundsvall"),
    (
        MARIA,
        ["ny anmälan", "kommun", "Örnsköldsvik", "ja", "ja", "P778", "VT9", "ja"],
        CaseKind.B,
        "Örnsköldsvik",
    ),
]


@pytest.mark.parametrize(("user", "answers", "kind", "org"), PATHS)
async def test_four_paths_file_a_case(bot, user, answers, kind, org):
    chat = bot.chat(user)
    await chat.say("hej")
    card = await answer_until_summary(chat, answers)
    assert "Kontrollera din anmälan" in str(card)
    done = await chat.say(value=card_action_data(card, "Skicka"))
    assert "SID-2026-0001" in done
    assert ("ringer dig" in done) is (kind is CaseKind.A)
    (case,) = await bot.services.stores.cases.list()
    assert case.kind is kind and case.organisation.name == org and case.status is Status.RECEIVED
    assert case.submitter.id == user.id
    assert (case.episode_id is not None) is (kind is CaseKind.B)


async def test_the_organisation_is_remembered_and_offered_next_time(bot):
    chat = bot.chat(MARIA)
    card = await answer_until_summary(chat, ["ny anmälan", "Kommun", "Timrå", "nej", "P1111", "ja"])
    await chat.say(value=card_action_data(card, "Skicka"))
    offer = await chat.say("ny anmälan")
    assert "Timrå kommun" in offer and "Stämmer det" in offer
    assert "pågående vårdtillfälle" in await chat.say("ja")


async def test_not_documented_yet_explains_and_resumes_without_retyping(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    await chat.say("Region Västernorrland")
    await chat.say("ja")  # ongoing episode
    later = await chat.say("nej")  # not documented yet
    assert "dokumentera" in later.lower() and "ny anmälan" in later
    back = await chat.say("ny anmälan")
    assert "fortsätter" in back and "dokumenterat" in back  # straight to the open question


async def test_bad_ids_are_reprompted_with_the_format_and_help_after_three_tries(bot):
    chat = bot.chat(ANNA)
    for answer in ["ny anmälan", "Region Västernorrland", "nej"]:
        await chat.say(answer)
    first = await chat.say("P-1!")
    assert "4–20 bokstäver eller siffror" in first and "hjälp" not in first.lower().split("patient id")[0]
    await chat.say("x" * 100)
    third = await chat.say("??")
    assert "Behöver du hjälp" in third
    assert "skyddad identitet" in await chat.say("P12345")


async def test_personnummer_at_every_prompt_is_refused_and_the_question_comes_again(bot):
    chat = bot.chat(ANNA)
    await chat.say("hej")
    refused = await chat.send(NUMBER)  # no question open: only the refusal
    assert len(refused) == 1 and "personnummer eller samordningsnummer" in refused[0]["text"]
    question = ""
    for answer in ["ny anmälan", "Region Västernorrland", "ja", "ja", "P12345", "VT1", "ja"]:
        if question:
            refused = await chat.send(NUMBER)
            assert "personnummer eller samordningsnummer" in refused[0]["text"]
            assert reply_text(refused[1:]) == question  # asked again, word for word
        question = reply_text(await chat.send(answer))
    assert "Kontrollera din anmälan" in question
    at_summary = await chat.send(NUMBER)
    assert at_summary[-1]["text"].startswith("Använd knapparna på kortet")  # the card's buttons
    assert (await bot.services.stores.cases.list()) == []


async def test_a_refused_municipality_answer_shows_the_list_again(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    await chat.say("kommun")
    again = await chat.send(f"Sundsvall {NUMBER}")
    assert "personnummer" in again[0]["text"] and "Input.ChoiceSet" in reply_text(again[1:])


async def test_change_a_field_from_the_summary(bot):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    asked = await chat.say(value=card_action_data(card, "Patient ID"))
    assert "Patient ID" in asked
    card = last_card(await chat.send("P99999"))
    assert "P99999" in str(card) and "P12345" not in str(card)


async def test_cancel_from_the_card_and_by_typing(bot):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    assert "avbrutit" in await chat.say(value=card_action_data(card, "Avbryt"))
    await chat.say("ny anmälan")
    assert "avbrutit" in await chat.say("avbryt")
    assert "inget att avbryta" in await chat.say("avbryt")
    assert await bot.services.stores.cases.list() == []


async def test_double_submit_files_one_case(bot):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    submit = card_action_data(card, "Skicka")
    await chat.say(value=submit)
    again = await chat.say(value=submit)
    assert "redan skickad" in again and "SID-2026-0001" in again
    assert len(await bot.services.stores.cases.list()) == 1


async def test_an_old_summary_card_is_stale(bot):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    await chat.say("avbryt")
    assert "inte längre är aktiv" in await chat.say(value=card_action_data(card, "Skicka"))


async def test_help_mid_intake_keeps_the_question_open(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    reply = await chat.say("hjälp")
    assert "mitt i en anmälan" in reply
    assert "pågående vårdtillfälle" in await chat.say("Region Västernorrland")


async def test_intake_resumes_after_a_restart(start_bot, settings_for):
    settings = settings_for()
    first = await start_bot(settings)
    chat = first.chat(ANNA)
    for answer in ["ny anmälan", "Region Västernorrland", "nej"]:
        await chat.say(answer)
    await first.http.close()
    await first.server.close()
    second = await start_bot(settings)
    assert "skyddad identitet" in await second.chat(ANNA).say("P12345")


async def test_an_abandoned_intake_expires_and_says_so(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    bot.clock.advance(hours=25)
    reply = await chat.say("Region Västernorrland")
    assert "har tagits bort" in reply and "24 timmar" in reply


async def test_english_intake(bot):
    chat = bot.chat(ANNA, locale="en-US")
    await chat.say("hi")
    card = await answer_until_summary(chat, ["new report", "Region Västernorrland", "no", "P12345", "yes"])
    assert "Check your report" in str(card)
    done = await chat.say(value=card_action_data(card, "Send"))
    assert "phone you" in done


async def test_two_simultaneous_submit_clicks_file_one_case(bot):
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    submit = card_action_data(card, "Skicka")
    replies = await asyncio.gather(chat.say(value=submit), chat.say(value=submit))
    assert any("SID-2026-0001" in reply for reply in replies)
    assert len(await bot.services.stores.cases.list()) == 1


async def test_an_unclear_yes_no_answer_asks_again_with_the_question_and_its_buttons(bot):
    chat = bot.chat(ANNA)
    await chat.say("ny anmälan")
    asked = await chat.send("Region Västernorrland")
    replies = await chat.send("kanske")
    (again,) = [a["content"] for r in replies for a in r.get("attachments") or []]
    assert again["text"].startswith("Välj ett av alternativen") and "pågående vårdtillfälle" in again["text"]
    assert again["buttons"] == asked[-1]["attachments"][0]["content"]["buttons"]  # the same Ja / Nej
    assert "Patient ID" in await chat.say("nej")  # the answer still counts: type A asks for the ID
