"""Issue 16, "Checked by", over real HTTP on a fresh store (both stores): three cases filed
through the intake in 1:1 chats, one rejected by an admin (inte skyddad); `översikt` lists
exactly the two open ones and no Patient ID, `statistik` counts three filed and one rejected."""

from __future__ import annotations

import json

from domain.case import Status
from tests.routing.conftest import Team
from tests.routing.overview_helpers import NUMBER, numbers, overview_card
from tests.routing.test_stats_http import ask
from tests.support.activities import ANNA, KARIN, MARIA, User, last_card

OLLE = User("29:olle", "Olle Persson", "aad-olle")
PATIENT_IDS = {ANNA: "P12345", MARIA: "P23456", OLLE: "P34567"}


async def file_through_the_intake(team: Team, user: User) -> str:
    """Type A, as the submitter types it in the 1:1 chat; the case number from the bot's answer."""
    chat = team.bot.chat(user)
    await chat.say("hej")
    for answer in ["ny anmälan", "Region Västernorrland", "nej", PATIENT_IDS[user]]:
        await chat.send(answer)
    summary = last_card(await chat.send("ja"))
    submit = next(a for a in summary["actions"] if a.get("title") == "Skicka")
    done = await chat.say(value=submit["data"])
    (number,) = set(NUMBER.findall(done))
    return number


async def test_three_filed_one_rejected_overview_lists_the_two_open_ones_statistik_counts_them(
    central: Team,
):
    filed = []
    for user in (ANNA, MARIA, OLLE):
        filed.append(await file_through_the_intake(central, user))
        central.bot.clock.advance(minutes=5)
    await central.drain()
    cases = {case.number: case for case in await central.bot.services.stores.cases.list()}
    assert sorted(cases) == sorted(filed)

    rejected = cases[filed[1]]
    card = await central.click(KARIN, await central.view(KARIN, rejected), "case.take")
    for verb in ("case.record_call", "case.record_address_update"):
        card = await central.click(KARIN, card, verb)
    card = await central.click(KARIN, card, "case.reject_not_protected", reason="Ingen sekretessmarkering")
    assert (await central.case(rejected.id)).status is Status.REJECTED

    overview = await overview_card(central, KARIN)

    assert numbers(overview) == [filed[0], filed[2]]
    shown = json.dumps(overview, ensure_ascii=False)
    assert "Öppna ärenden (2)" in shown
    assert not any(patient_id.casefold() in shown.casefold() for patient_id in PATIENT_IDS.values())

    statistics = await ask(central, KARIN, "statistik")
    counted = json.dumps(statistics, ensure_ascii=False)
    assert "**3** inkomna ärenden (typ A 3, typ B 0)" in counted
    assert "**1** inte skyddad" in counted and "**0** klara" in counted and "**0** återtagna" in counted
    assert not any(patient_id.casefold() in counted.casefold() for patient_id in PATIENT_IDS.values())
