"""ServiceNow refusing or failing, over real HTTP: classified once, transient failures retried under
the outbox's caps, and every give-up surfaced like a Teams delivery problem (a note in the central
channel, listed by `påminnelser`) with the case back on the manual step. The Patient ID is never
logged, and the purge needs no ServiceNow."""

from __future__ import annotations

import logging

from domain.case import SYSTEM, Action, Status
from tests.routing.conftest import CENTRAL, Team, verbs_of
from tests.routing.servicenow_support import (
    servicenow_settings,
    start_team,
    to_process_closed,
)
from tests.support.activities import KARIN
from tests.support.servicenow_standin import ServiceNowStandIn

PATIENT_ID = "P12345"


def notes(team: Team) -> list[str]:
    return [
        a["text"]
        for a in team.connector.to_conversation(CENTRAL)
        if "Leveransproblem" in (a.get("text") or "")
    ]


async def test_403_is_permanent_one_note_and_the_manual_step_is_offered_again(
    start_bot, team_settings, servicenow: ServiceNowStandIn, caplog
):
    caplog.set_level(logging.DEBUG)
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    servicenow.fail_next = [(403, {})]
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()

    fresh = await team.case(case.id)
    assert fresh.status is Status.PROCESS_CLOSED and not fresh.servicenow_number
    last = fresh.events[-1]
    assert (last.action, last.actor, last.detail) == (Action.SERVICENOW_FAILED, SYSTEM, "ServiceNow HTTP 403")
    assert servicenow.calls == [("GET", "/api/now/table/incident")]  # no retry of a 403
    (note,) = notes(team)
    assert case.number in note and "ServiceNow" in note and "fel 403" in note and "för hand" in note
    assert "kunde inte skapa ärendet i ServiceNow (ServiceNow HTTP 403)" in str(team.thread_texts(case))
    listed = await team.say(KARIN, "påminnelser")
    assert "Leveransproblem (1)" in listed and case.number in listed and "ServiceNow" in listed

    card = await team.view(KARIN, case)
    assert {"case.request_servicenow", "case.record_sent_to_vendor"} <= verbs_of(card)
    await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow="INC0099999")
    assert (await team.case(case.id)).status is Status.SENT_TO_VENDOR
    assert PATIENT_ID not in caplog.text


async def test_a_wrong_client_secret_is_permanent_too(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    settings = servicenow_settings(servicenow, servicenow_client_secret="not-the-secret")
    team = await start_team(start_bot, team_settings, **settings)
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    fresh = await team.case(case.id)
    assert fresh.status is Status.PROCESS_CLOSED and fresh.events[-1].detail == "ServiceNow HTTP 401"
    assert servicenow.token_requests == 1 and not servicenow.calls  # the token was refused: no retry
    (note,) = notes(team)
    assert "fel 401" in note and "inloggning i ServiceNow" in note


async def test_5xx_and_timeouts_are_retried_then_dead_lettered_visibly(
    start_bot, team_settings, servicenow: ServiceNowStandIn, caplog
):
    caplog.set_level(logging.DEBUG)
    settings = servicenow_settings(servicenow, outbox_retry_attempts=4)
    team = await start_team(start_bot, team_settings, **settings)
    case, card = await to_process_closed(team)
    servicenow.fail_next = [(503, {}), (502, {})]
    servicenow.hang_next, servicenow.hang_seconds = 1, 3  # the third attempt times out (1 s)
    await team.click(KARIN, card, "case.request_servicenow")
    servicenow.fail_next.append((500, {}))
    for _ in range(6):
        await team.drain()
        team.bot.clock.advance(minutes=11)

    fresh = await team.case(case.id)
    assert fresh.status is Status.PROCESS_CLOSED and fresh.events[-1].action is Action.SERVICENOW_FAILED
    assert len([c for c in servicenow.calls if c[0] == "GET"]) == 4  # attempts capped at 4
    assert not servicenow.records
    (note,) = notes(team)
    assert "gav upp efter 4 försök" in note and "ServiceNow" in note
    assert "dead-lettered after 4 attempts" in caplog.text
    assert "ServiceNow timed out" in caplog.text
    assert PATIENT_ID not in caplog.text


async def test_the_purge_does_not_need_servicenow(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(
        start_bot, team_settings, case_retention_days=0, **servicenow_settings(servicenow)
    )
    case, card = await to_process_closed(team)
    card = await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    number = (await team.case(case.id)).servicenow_number
    servicenow.resolve(number, "Alla uppgifter om patienten är raderade ur LifeCare SP.")
    await servicenow.close()  # ServiceNow is gone from here on
    card = await team.view(KARIN, case)
    await team.click(KARIN, card, "case.record_vendor_confirmed")
    await team.drain()
    purged = await team.case(case.id)
    assert purged.status is Status.CLOSED and purged.purged_at is not None
    assert purged.patient_id == "" and purged.servicenow_number == number
