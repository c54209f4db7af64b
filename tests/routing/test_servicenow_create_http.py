"""*Skapa ärende i ServiceNow* over real HTTP: the click records the request (within Teams' 5 s),
an outbox job creates the vendor's record in a stand-in ServiceNow through the Table API, and the
number is recorded by the state machine (audit entry, thread reply, card updated) — on both stores.
Without ServiceNow the card and the step are exactly the manual ones."""

from __future__ import annotations

import logging

from domain.case import SYSTEM, Action, Status
from tests.routing.conftest import Team, verbs_of
from tests.routing.servicenow_support import (
    servicenow_settings,
    start_team,
    to_process_closed,
    updated_cards,
)
from tests.support.activities import KARIN
from tests.support.servicenow_standin import PASSWORD, USER, ServiceNowStandIn

PATIENT_ID = "P12345"  # what Team.file puts on the case


async def test_without_servicenow_the_vendor_step_is_the_manual_one(team: Team):
    case, card = await to_process_closed(team)
    assert verbs_of(card) == {"case.record_sent_to_vendor", "case.reassign", "case.unassign"}
    assert "ServiceNow" not in str([a.get("title") for a in card["actions"]])
    forged = {"case_id": case.id, "version": (await team.case(case.id)).version}
    status, body = await team.invoke(KARIN, "case.request_servicenow", forged)
    assert status == 200 and "Det går inte att göra just nu" in str(body["value"])
    assert (await team.case(case.id)).status is Status.PROCESS_CLOSED
    card = await team.click(KARIN, body["value"], "case.record_sent_to_vendor", servicenow="INC0012345")
    assert (await team.case(case.id)).status is Status.SENT_TO_VENDOR


async def test_the_bot_creates_the_record_once_and_records_the_step(
    start_bot, team_settings, servicenow: ServiceNowStandIn, store, caplog
):
    caplog.set_level(logging.DEBUG)
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow), **store)
    case, card = await to_process_closed(team)
    assert {"case.request_servicenow", "case.record_sent_to_vendor"} <= verbs_of(card)

    card = await team.click(KARIN, card, "case.request_servicenow")
    assert "Boten skapar ärendet i ServiceNow" in str(card)
    assert "case.record_sent_to_vendor" in verbs_of(card)  # the manual path stays open meanwhile
    assert servicenow.creates() == 0  # nothing left the turn
    await team.drain()

    (body,) = servicenow.created_bodies
    assert body["correlation_id"] == case.id
    assert PATIENT_ID in body["description"] and "skyddad identitet" in body["description"]
    assert "raderas" in body["description"]
    assert body["assignment_group"] == "LifeCare SP Leverantör" and body["category"] == "software"
    assert case.number in body["short_description"]
    (record,) = servicenow.records.values()
    fresh = await team.case(case.id)
    assert fresh.status is Status.SENT_TO_VENDOR and fresh.servicenow_number == record["number"]
    assert fresh.events[-1].actor == SYSTEM and fresh.events[-1].action is Action.RECORD_SENT_TO_VENDOR
    audit = await team.bot.services.stores.audit.entries(case.id)
    assert [(e.what, e.actor.id, e.detail) for e in audit[-2:]] == [
        ("request_servicenow", KARIN.id, ""),
        ("record_sent_to_vendor", SYSTEM.id, record["number"]),
    ]
    assert f"**Skyddad ID** skickade ärendet till leverantören ({record['number']})." in team.thread_texts(
        case
    )
    assert record["number"] in updated_cards(team)[-1]

    await team.drain()  # a rerun of everything due creates nothing
    assert servicenow.creates() == 1
    assert PATIENT_ID not in caplog.text  # the Patient ID went to ServiceNow only


async def test_a_lost_answer_is_retried_without_a_second_record(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    servicenow.lose_next_create = 1  # stored in ServiceNow, the 503 reaches the bot
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    assert (await team.case(case.id)).status is Status.SERVICENOW_PENDING
    team.bot.clock.advance(minutes=11)
    await team.drain()
    assert len(servicenow.records) == 1 and servicenow.creates() == 1  # found by correlation id
    (record,) = servicenow.records.values()
    assert (await team.case(case.id)).servicenow_number == record["number"]


async def test_429_waits_at_least_its_retry_after(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    servicenow.fail_next = [(429, {"Retry-After": "600"})]
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    team.bot.clock.advance(minutes=9)  # the backoff alone would be due by now; Retry-After is not
    await team.drain()
    assert (await team.case(case.id)).status is Status.SERVICENOW_PENDING
    team.bot.clock.advance(minutes=2)
    await team.drain()
    assert (await team.case(case.id)).status is Status.SENT_TO_VENDOR
    assert len(servicenow.records) == 1


async def test_an_expired_token_is_renewed_once(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    servicenow.fail_next = [(500, {})]  # fetches the first token, then fails transiently
    await team.drain()
    servicenow.revoke_tokens()  # the cached token is now refused with 401
    team.bot.clock.advance(minutes=11)
    await team.drain()
    assert (await team.case(case.id)).status is Status.SENT_TO_VENDOR
    assert servicenow.token_requests == 2


async def test_basic_auth_works_too(start_bot, team_settings, servicenow: ServiceNowStandIn):
    settings = servicenow_settings(
        servicenow,
        servicenow_client_id="",
        servicenow_client_secret="",
        servicenow_user=USER,
        servicenow_password=PASSWORD,
    )
    team = await start_team(start_bot, team_settings, **settings)
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    assert (await team.case(case.id)).status is Status.SENT_TO_VENDOR
    assert servicenow.token_requests == 0
