"""`mina ärenden` over HTTP: the truth about each case, and withdrawing with a confirmation."""

from __future__ import annotations

import json

from cards.my_cases_card import SHOWN_CASES
from tests.routing.conftest import SUNDSVALL, Team
from tests.support.activities import ANNA, KARIN, MARIA, Chat, last_card
from tests.support.teams_limits import MAX_ACTIONS, MAX_CARD_BYTES


async def listing(chat: Chat) -> dict:
    return last_card(await chat.send("mina ärenden"))


def case_lines(card: dict) -> list[str]:
    return [
        " | ".join(item["text"] for item in block["items"])
        for block in card["body"]
        if block["type"] == "Container"
    ]


def pick_to_withdraw(card: dict, number: str) -> dict:
    (show,) = card["actions"]
    (submit,) = show["card"]["actions"]
    return {**submit["data"], "number": number}


def button(card: dict, title: str) -> dict:
    return next(a["data"] for a in card["actions"] if a["title"] == title)


async def test_a_new_case_says_it_waits_for_a_handlaggare_with_type_organisation_and_date(team: Team):
    await team.file(ANNA)
    card = await listing(team.bot.chat(ANNA))
    (line,) = case_lines(card)
    assert line == (
        "**SID-2026-0001** · Region Västernorrland | Inget pågående vårdtillfälle · anmält 2026-11-25 | "
        "Mottaget av LifeCare SP-förvaltningen – väntar på en handläggare"
    )
    assert "P12345" not in json.dumps(card)


async def test_after_an_admin_takes_it_the_list_says_who_handles_it_and_the_step(team: Team):
    case = await team.file(ANNA)
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    (line,) = case_lines(await listing(team.bot.chat(ANNA)))
    assert line.endswith("Handläggs av Karin Holm – förvaltningen ringer dig för patientens personnummer")
    card = await team.click(KARIN, card, "case.record_call")
    (line,) = case_lines(await listing(team.bot.chat(ANNA)))
    assert line.endswith("Handläggs av Karin Holm – patienten söks fram och adressen uppdateras")


async def test_a_case_still_at_the_municipality_says_so(start_bot, team_settings):
    settings = team_settings(municipal_channels_enabled=True, municipal_channels=f"Sundsvall={SUNDSVALL}")
    team = Team(await start_bot(settings))
    await team.file(MARIA, municipality="Sundsvall", episode="VT-9")
    (line,) = case_lines(await listing(team.bot.chat(MARIA)))
    assert "**SID-2026-0001** · Sundsvalls kommun" in line and "Pågående vårdtillfälle" in line
    assert line.endswith(
        "Hos Sundsvalls kommuns förvaltning – skickas vidare till den centrala LifeCare SP-förvaltningen"
    )


async def test_withdrawing_asks_for_confirmation_and_twice_says_already_withdrawn(team: Team):
    case = await team.file(ANNA)
    await team.drain()
    chat = team.bot.chat(ANNA)
    replies = await chat.send(value=pick_to_withdraw(await listing(chat), case.number))
    confirm = last_card(replies)
    assert "Dra tillbaka ärende SID-2026-0001?" in json.dumps(confirm, ensure_ascii=False)
    assert (await team.case(case.id)).is_open  # nothing happens before the confirmation
    yes = button(confirm, "Ja, dra tillbaka")
    assert "är tillbakadraget" in await chat.say(value=yes)
    assert "redan tillbakadraget" in await chat.say(value=yes)
    again = await chat.say(value={"my_cases": "withdraw", "number": case.number})  # an old list
    assert "redan tillbakadraget" in again and "Ja, dra tillbaka" not in again
    (line,) = case_lines(await listing(chat))
    assert line.endswith("Tillbakadraget av dig 2026-11-25")
    await team.drain()
    assert team.thread_texts(await team.case(case.id))[-1] == "**Anna Lindqvist** drog tillbaka ärendet."


async def test_keep_changes_nothing(team: Team):
    case = await team.file(ANNA)
    chat = team.bot.chat(ANNA)
    confirm = last_card(await chat.send("dra tillbaka sid-2026-0001"))
    assert "ligger kvar" in await chat.say(value=button(confirm, "Nej, behåll"))
    assert (await team.case(case.id)).is_open


async def test_too_late_once_sent_to_the_vendor_and_never_someone_elses_case(team: Team):
    case = await team.file(ANNA, episode="VT-1")
    await team.drain()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    for verb in ("case.record_address_update", "case.confirm_protected", "case.record_process_closed"):
        card = await team.click(KARIN, card, verb)
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow="INC0012345")
    chat = team.bot.chat(ANNA)
    assert "actions" not in await listing(chat)  # nothing left to withdraw
    too_late = await chat.say(value={"my_cases": "confirm", "number": case.number})
    assert "redan skickat till leverantören" in too_late
    other = await team.bot.chat(MARIA).say(value={"my_cases": "confirm", "number": case.number})
    assert "hittar inget ärende" in other and (await team.case(case.id)).status.value == "sent_to_vendor"


async def test_many_cases_stay_within_teams_limits(team: Team):
    for _ in range(30):
        await team.file(ANNA, chat=False)
    card = await listing(team.bot.chat(ANNA))
    assert len(case_lines(card)) == SHOWN_CASES and "… och 18 äldre ärenden till." in json.dumps(
        card, ensure_ascii=False
    )
    assert len(card["actions"]) <= MAX_ACTIONS
    assert len(json.dumps(card, ensure_ascii=False).encode()) < MAX_CARD_BYTES // 2
    (show,) = card["actions"]
    assert len(show["card"]["body"][0]["choices"]) == 30  # every open case can be withdrawn
