"""The bot learns the vendor's answer by reading the record in business time: a resolved record is
recorded as the vendor's report with its close notes (by the bot, audited), and an admin confirms
the deletion, which closes the case (3.3 / 4.3 step 7 ends with a person's confirmation)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from domain.case import SYSTEM, Action, Status
from domain.identity_guard import contains_identity_number
from tests.routing.conftest import CENTRAL, Team, verbs_of
from tests.routing.servicenow_support import (
    servicenow_settings,
    start_team,
    to_process_closed,
    updated_cards,
)
from tests.support.activities import ANNA, KARIN
from tests.support.numbers import personnummer
from tests.support.servicenow_standin import ServiceNowStandIn

NOTES = "Patientens uppgifter är raderade ur LifeCare SP. /Leverantören"


async def sent_by_the_bot(team: Team) -> tuple[str, str]:
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    fresh = await team.case(case.id)
    assert fresh.status is Status.SENT_TO_VENDOR
    return case.id, fresh.servicenow_number


async def poll_hours(team: Team, hours: float) -> None:
    """Let `hours` of wall time pass in steps, draining the outbox as the worker would."""
    for _ in range(int(hours * 4)):
        team.bot.clock.advance(minutes=15)
        await team.drain()


async def test_a_resolved_record_is_the_vendors_report_and_an_admin_closes_the_case(
    start_bot, team_settings, servicenow: ServiceNowStandIn, store, caplog
):
    caplog.set_level(logging.DEBUG)
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow), **store)
    case_id, number = await sent_by_the_bot(team)
    await poll_hours(team, 1)  # read twice: still open
    assert (await team.case(case_id)).status is Status.SENT_TO_VENDOR
    reads = [
        c for c in servicenow.calls if c[0] == "GET" and c[1].endswith(servicenow.by_number(number)["sys_id"])
    ]
    assert len(reads) == 2  # every 30 minutes of office time, by sys_id

    servicenow.resolve(number, NOTES)
    await poll_hours(team, 0.5)
    fresh = await team.case(case_id)
    assert fresh.status is Status.VENDOR_REPORTED and fresh.vendor_report == NOTES
    assert (fresh.events[-1].action, fresh.events[-1].actor) == (Action.RECORD_VENDOR_REPORT, SYSTEM)
    audit = await team.bot.services.stores.audit.entries(case_id)
    assert (audit[-1].what, audit[-1].actor.id, audit[-1].detail) == (
        "record_vendor_report",
        SYSTEM.id,
        NOTES,
    )
    assert NOTES in updated_cards(team)[-1]  # the thread's card shows the vendor's answer
    assert not [t for t in team.thread_texts(fresh) if NOTES in t]  # the reply does not repeat it
    assert not [m for m in team.submitter_messages(ANNA) if "klart" in m]  # not closed by the bot

    card = await team.view(KARIN, fresh)
    assert NOTES in str(card)
    assert verbs_of(card) >= {"case.record_vendor_confirmed", "case.record_sent_to_vendor"}
    card = await team.click(KARIN, card, "case.record_vendor_confirmed")
    await team.drain()
    closed = await team.case(case_id)
    assert closed.status is Status.CLOSED and closed.events[-1].actor.id == KARIN.id
    assert any("är klart" in m for m in team.submitter_messages(ANNA))
    reads_before = len(servicenow.calls)
    await poll_hours(team, 2)
    assert len(servicenow.calls) == reads_before  # no more reading once the case moved on
    assert "P12345" not in caplog.text


async def test_polling_keeps_to_business_time(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case_id, number = await sent_by_the_bot(team)
    sys_id = servicenow.by_number(number)["sys_id"]
    clock = team.bot.clock

    async def reads_after(moment: datetime) -> int:
        clock.now = moment
        await team.drain()
        return sum(1 for method, path in servicenow.calls if method == "GET" and path.endswith(sys_id))

    sent_at = clock.now  # Wednesday 10:00 Stockholm: the next read is 30 office minutes later
    assert await reads_after(sent_at + timedelta(minutes=29)) == 0
    assert await reads_after(sent_at + timedelta(minutes=31)) == 1
    # Read at 16:50 Stockholm: 10 office minutes left today, 20 more from 08:00 tomorrow.
    assert await reads_after(datetime(2026, 11, 25, 15, 50, tzinfo=UTC)) == 2
    assert await reads_after(datetime(2026, 11, 26, 7, 19, tzinfo=UTC)) == 2
    assert await reads_after(datetime(2026, 11, 26, 7, 21, tzinfo=UTC)) == 3
    assert (await team.case(case_id)).status is Status.SENT_TO_VENDOR


# A line break inside the number is no separator the guard accepts, but the close notes are kept
# on one line: the number must not come back together there.
@pytest.mark.parametrize("separator", ["-", "\n", "-\n", " \n "])
async def test_a_personnummer_in_the_close_notes_is_never_kept(
    start_bot, team_settings, servicenow: ServiceNowStandIn, separator: str
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case_id, number = await sent_by_the_bot(team)
    number_in_notes = personnummer("850709", "123", separator=separator)
    servicenow.resolve(number, f"Raderat. Patienten {number_in_notes} finns inte kvar.")
    await poll_hours(team, 0.5)
    fresh = await team.case(case_id)
    assert fresh.status is Status.VENDOR_REPORTED
    assert not contains_identity_number(fresh.vendor_report) and "borttaget" in fresh.vendor_report
    assert number_in_notes not in fresh.model_dump_json()
    audit = await team.bot.services.stores.audit.entries(case_id)
    assert number_in_notes not in str(audit)


async def test_a_number_recorded_by_hand_is_read_by_its_number(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    servicenow.add("incident", "INC0077777")
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow="INC0077777")
    servicenow.resolve("INC0077777", NOTES, state="7")
    await poll_hours(team, 0.5)
    assert ("GET", "/api/now/table/incident") in servicenow.calls  # a query by number
    assert (await team.case(case.id)).status is Status.VENDOR_REPORTED


async def test_a_refused_read_is_noted_once_and_asked_again_later(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case_id, number = await sent_by_the_bot(team)
    servicenow.fail_next = [(403, {}), (403, {})]
    await poll_hours(team, 1)
    notes = [
        a["text"]
        for a in team.connector.to_conversation(CENTRAL)
        if "Leveransproblem" in (a.get("text") or "")
    ]
    assert len(notes) == 1 and "leverantörens svar" in notes[0]
    servicenow.resolve(number, NOTES)
    await poll_hours(team, 0.5)
    assert (await team.case(case_id)).status is Status.VENDOR_REPORTED
