"""The checked-by scenario on the embedded store: a type B case filed through the intake,
rejected by an admin, the bot restarted 31 days later with CASE_RETENTION_DAYS=30 — no byte of
the identifiers is left in the SQLite file, its WAL or -shm, and the cards the bot posted are
rewritten in place without them."""

from __future__ import annotations

import json

from domain.case import Status
from tests.privacy.conftest import EPISODE_ID, PATIENT_ID, TeamsChat, leaks, store_files
from tests.routing.conftest import Team
from tests.support.activities import ANNA, KARIN

REASON = f"Ingen sekretessmarkering hittades för {PATIENT_ID}"


async def stop(bot) -> None:
    await bot.http.close()
    await bot.server.close()


async def test_a_rejected_case_leaves_no_identifier_in_the_store_files_31_days_later(
    start_bot, team_settings, clock
):
    settings = team_settings(case_retention_days=30)
    team = Team(await start_bot(settings))
    assert "central" in await team.link()
    summary = await TeamsChat(team, ANNA).file_type_b()
    await team.drain()
    (case,) = await team.bot.services.stores.cases.list()
    assert (case.patient_id, case.episode_id) == (PATIENT_ID, EPISODE_ID)
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason=REASON)
    await team.drain()
    case = await team.case(case.id)
    assert case.status is Status.REJECTED
    data_dir = settings.data_dir
    assert leaks(store_files(data_dir)), "the scan must see the IDs while they are kept"

    clock.advance(days=29)  # still within the retention period: nothing is purged early
    await team.drain()
    assert (await team.case(case.id)).patient_id == PATIENT_ID
    await stop(team.bot)

    clock.advance(days=2)  # 31 days after the rejection, a fresh start of the bot
    team = Team(await start_bot(settings))
    await team.drain()

    purged = await team.case(case.id)
    assert purged.purged_at is not None and purged.patient_id == "" and purged.episode_id is None
    assert purged.rejection_reason == "" and all(e.detail != REASON for e in purged.events)
    assert (purged.number, purged.kind, purged.status) == (case.number, case.kind, Status.REJECTED)
    assert [e.actor.name for e in purged.events] == [e.actor.name for e in case.events]
    audit = await team.bot.services.stores.audit.entries(case.id)
    assert [a.what for a in audit] == ["filed", "take", "record_address_update", "reject_not_protected"]
    assert all(PATIENT_ID not in a.model_dump_json() for a in audit)
    assert leaks(store_files(data_dir)) == []

    # The thread's root card and Anna's summary/confirmation card were updated in place.
    channel_update = [u for u in team.connector.updated if u["_replaces"] == case.card_activity_id]
    personal_update = [u for u in team.connector.updated if u["_replaces"] == summary["id"]]
    assert channel_update and personal_update
    for update in (channel_update[-1], personal_update[-1]):
        shown = json.dumps(update, ensure_ascii=False)
        assert case.number in shown and "raderats" in shown
        assert PATIENT_ID not in shown and EPISODE_ID not in shown and "sekretessmarkering" not in shown
    assert channel_update[-1]["_conversation"] == case.thread_conversation_id
    assert "actions" not in channel_update[-1]["attachments"][0]["content"]

    # Done once: running the worker again rewrites nothing more.
    updates = len(team.connector.updated)
    await team.drain()
    assert len(team.connector.updated) == updates
    await stop(team.bot)
    assert leaks(store_files(data_dir)) == []
