"""An admin types the ticket number by hand (*Skickat till leverantören*) while the bot's
`servicenow_create` job is making the record: the admin's number stays on the case, and the
bot's record, now extra, is named in one line in the case thread (and audited) so an admin can
close it in ServiceNow. The poll keeps reading the admin's ticket. Over HTTP, on both stores."""

from __future__ import annotations

import asyncio

from domain.case import SYSTEM, Action, Status
from tests.routing.conftest import Team
from tests.routing.servicenow_support import servicenow_settings, start_team, to_process_closed
from tests.routing.test_metrics_http import delta, samples
from tests.routing.test_servicenow_poll_http import poll_hours
from tests.support.activities import KARIN
from tests.support.servicenow_standin import ServiceNowStandIn

BY_HAND = "INC0012345"


def extra_line(number: str) -> str:
    return (
        f"**Skyddad ID** skapade {number} i ServiceNow medan numret skrevs in för hand – {number} "
        "behövs inte: stäng det i ServiceNow."
    )


async def test_a_number_typed_while_the_bot_creates_keeps_the_admins_ticket_and_names_the_extra_one(
    start_bot, team_settings, servicenow: ServiceNowStandIn, store
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow), **store)
    case, card = await to_process_closed(team)
    servicenow.add("incident", BY_HAND)  # the ticket the admin made in ServiceNow by hand
    before = await samples(team)
    card = await team.click(KARIN, card, "case.request_servicenow")

    servicenow.hold_creates = asyncio.Event()
    job = asyncio.create_task(team.drain())
    await asyncio.wait_for(servicenow.create_held.wait(), 10)  # stored in ServiceNow, not yet answered
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow=BY_HAND)
    servicenow.hold_creates.set()
    await asyncio.wait_for(job, 30)
    await team.drain()

    (extra,) = [r for r in servicenow.records.values() if r["number"] != BY_HAND]
    fresh = await team.case(case.id)
    assert fresh.status is Status.SENT_TO_VENDOR and fresh.servicenow_number == BY_HAND
    assert [(e.action, e.actor.id, e.detail) for e in fresh.events[-2:]] == [
        (Action.RECORD_SENT_TO_VENDOR, KARIN.id, BY_HAND),
        (Action.SERVICENOW_EXTRA, SYSTEM.id, extra["number"]),
    ]
    audit = await team.bot.services.stores.audit.entries(case.id)
    assert (audit[-1].what, audit[-1].actor.id, audit[-1].detail) == (
        "servicenow_extra",
        SYSTEM.id,
        extra["number"],
    )
    assert team.thread_texts(case).count(extra_line(extra["number"])) == 1
    after = await samples(team)
    assert delta(before, after, 'sid_servicenow_tickets_total{outcome="orphaned"}') == 1

    servicenow.resolve(BY_HAND, "Raderat. /Leverantören")  # the poll still reads the admin's ticket
    await poll_hours(team, 0.5)
    assert (await team.case(case.id)).status is Status.VENDOR_REPORTED
    assert servicenow.by_number(extra["number"])["state"] == "1"  # the bot never closes a record


async def test_a_lost_answer_then_a_number_typed_by_hand_names_the_record_once(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team: Team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    servicenow.lose_next_create = 1  # stored in ServiceNow, the 503 reaches the bot
    card = await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow=BY_HAND)
    await team.drain()
    team.bot.clock.advance(minutes=11)  # the retry finds the case recorded by hand
    await team.drain()
    team.bot.clock.advance(minutes=30)
    await team.drain()

    (record,) = servicenow.records.values()
    assert servicenow.creates() == 1
    fresh = await team.case(case.id)
    assert fresh.servicenow_number == BY_HAND and fresh.status is Status.SENT_TO_VENDOR
    extras = [e for e in fresh.events if e.action is Action.SERVICENOW_EXTRA]
    assert [e.detail for e in extras] == [record["number"]]
    assert team.thread_texts(case).count(extra_line(record["number"])) == 1


async def test_without_a_race_nothing_is_extra(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    fresh = await team.case(case.id)
    assert fresh.status is Status.SENT_TO_VENDOR
    assert all(e.action is not Action.SERVICENOW_EXTRA for e in fresh.events)
    assert not any("behövs inte" in line for line in team.thread_texts(case))
