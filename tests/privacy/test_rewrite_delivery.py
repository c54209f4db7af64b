"""Rewriting the cards after a purge takes the jobs' one delivery-failure path: a transient
failure is retried (the purge itself is already done), a permanent one becomes a
*leveransproblem* note — never the user-facing error text."""

from __future__ import annotations

import json

from tests.privacy.conftest import PATIENT_ID, TeamsChat
from tests.routing.conftest import CENTRAL, Team
from tests.support.activities import ANNA, KARIN

GENERIC_ERRORS = ("Något gick fel", "Something went wrong")


def purged_updates(team: Team, activity_id: str) -> list[dict]:
    return [
        u
        for u in team.connector.updated
        if u["_replaces"] == activity_id and "raderats" in json.dumps(u, ensure_ascii=False)
    ]


def posted_anywhere(team: Team) -> str:
    return json.dumps([*team.connector.sent, *team.connector.updated], ensure_ascii=False)


async def rejected_case(team: Team):
    summary = await TeamsChat(team, ANNA).file_type_b()
    await team.drain()
    (case,) = await team.bot.services.stores.cases.list()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason="Ingen markering")
    await team.drain()
    return await team.case(case.id), summary


async def test_a_card_rewrite_teams_refuses_for_now_is_retried_until_it_lands(
    start_bot, team_settings, clock
):
    team = Team(await start_bot(team_settings(case_retention_days=30)))
    assert "central" in await team.link()
    case, _ = await rejected_case(team)
    clock.advance(days=31)
    team.connector.fail_next = [503] * 20  # Teams answers 503 for a while
    await team.drain()
    team.connector.fail_next = []
    purged = await team.case(case.id)
    assert purged.patient_id == "" and purged.purged_at is not None  # purged before any rewrite
    assert purged_updates(team, case.card_activity_id) == []

    for _ in range(6):  # the worker's backoff brings the item back
        clock.advance(minutes=11)
        await team.drain()
    (update,) = purged_updates(team, case.card_activity_id)
    assert PATIENT_ID not in json.dumps(update)
    assert not any(error in posted_anywhere(team) for error in GENERIC_ERRORS)


async def test_a_submitter_who_removed_the_bot_gets_a_leveransproblem_note_not_a_loop(
    start_bot, team_settings, clock
):
    team = Team(await start_bot(team_settings(case_retention_days=30)))
    assert "central" in await team.link()
    case, summary = await rejected_case(team)
    team.connector.refuse = {"a:": 403}  # Anna removed the bot: her 1:1 chat answers 403
    clock.advance(days=31)
    for _ in range(3):
        await team.drain()
        clock.advance(minutes=11)
    assert purged_updates(team, case.card_activity_id)  # the channel card was rewritten
    assert purged_updates(team, summary["id"]) == []
    notes = [a.get("text") or "" for a in team.connector.sent if a["_conversation"].startswith(CENTRAL)]
    problem = [n for n in notes if "Leveransproblem" in n and case.number in n]
    assert len(problem) == 1, notes
    assert not any(error in posted_anywhere(team) for error in GENERIC_ERRORS)
    assert PATIENT_ID not in problem[0]
