"""/metrics counts what the bot does with ServiceNow, scraped over HTTP while the bot talks to the
stand-in: calls by operation, failures by kind, and the records it created and learned resolved.
Counters are per process, so the test compares before and after."""

from __future__ import annotations

from domain.case import Status
from tests.routing.servicenow_support import servicenow_settings, start_team, to_process_closed
from tests.routing.test_metrics_http import delta, samples
from tests.routing.test_servicenow_poll_http import poll_hours
from tests.support.activities import KARIN
from tests.support.servicenow_standin import ServiceNowStandIn


async def test_servicenow_calls_failures_and_tickets_are_counted(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    case, card = await to_process_closed(team)
    before = await samples(team)

    servicenow.fail_next = [(503, {})]  # the first find: transient, retried by the worker
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    team.bot.clock.advance(minutes=11)
    await team.drain()
    number = (await team.case(case.id)).servicenow_number
    assert number
    created = await samples(team)
    assert delta(before, created, 'sid_servicenow_failures_total{kind="transient"}') == 1
    assert delta(before, created, 'sid_servicenow_calls_total{operation="token"}') == 1
    assert delta(before, created, 'sid_servicenow_calls_total{operation="find"}') == 2
    assert delta(before, created, 'sid_servicenow_calls_total{operation="create"}') == 1
    assert delta(before, created, 'sid_servicenow_tickets_total{outcome="created"}') == 1
    assert delta(before, created, 'sid_servicenow_tickets_total{outcome="resolved"}') == 0

    servicenow.fail_next = [(403, {})]  # a read refused: permanent, asked again at the next poll
    await poll_hours(team, 0.5)
    servicenow.resolve(number, "Raderat. /Leverantören")
    await poll_hours(team, 0.5)
    assert (await team.case(case.id)).status is Status.VENDOR_REPORTED
    after = await samples(team)
    assert delta(created, after, 'sid_servicenow_failures_total{kind="permanent"}') == 1
    assert delta(created, after, 'sid_servicenow_calls_total{operation="get"}') == 2
    assert delta(created, after, 'sid_servicenow_tickets_total{outcome="resolved"}') == 1
    assert delta(before, after, 'sid_servicenow_tickets_total{outcome="created"}') == 1
    assert delta(before, after, 'sid_servicenow_failures_total{kind="transient"}') == 1
