"""ServiceNow's callback over real HTTP: with the shared secret a valid notice makes the bot read the
record at once (from the Table API, not from the notice); anything else is refused at the edge
with a 4xx and one throttled log line; without a secret the route does not exist."""

from __future__ import annotations

import logging

from domain.case import Status
from tests.routing.conftest import Team
from tests.routing.servicenow_support import servicenow_settings, start_team, to_process_closed
from tests.support.activities import KARIN
from tests.support.servicenow_standin import ServiceNowStandIn

SECRET = "a" * 24 + "callback-secret-for-tests"
PATH = "/api/servicenow/resolved"


async def sent_by_the_bot(team: Team) -> tuple[str, str]:
    case, card = await to_process_closed(team)
    await team.click(KARIN, card, "case.request_servicenow")
    await team.drain()
    fresh = await team.case(case.id)
    return case.id, fresh.servicenow_number


async def post(team: Team, body: object | bytes, *, secret: str | None = SECRET, **headers: str) -> int:
    sent = {"Content-Type": "application/json", **headers}
    if secret is not None:
        sent["Authorization"] = f"Bearer {secret}"
    url = str(team.bot.server.make_url(PATH))
    kwargs = {"data": body} if isinstance(body, bytes) else {"json": body}
    async with team.bot.http.post(url, headers=sent, **kwargs) as response:
        return response.status


async def test_a_notice_reads_the_record_now_not_at_the_next_poll(
    start_bot, team_settings, servicenow: ServiceNowStandIn, store
):
    settings = servicenow_settings(servicenow, servicenow_callback_secret=SECRET)
    team = await start_team(start_bot, team_settings, **settings, **store)
    case_id, number = await sent_by_the_bot(team)
    servicenow.resolve(number, "Raderat ur LifeCare SP.")
    notice = {"number": number.lower(), "correlation_id": case_id, "state": "6", "close_notes": "lögn"}
    assert await post(team, notice) == 202
    await team.drain()  # no clock moved: the poll was due in 30 office minutes
    fresh = await team.case(case_id)
    assert fresh.status is Status.VENDOR_REPORTED
    assert fresh.vendor_report == "Raderat ur LifeCare SP."  # read from ServiceNow, not the notice


async def test_a_notice_without_a_matching_correlation_id_is_not_searched_for_the_poll_reads_it(
    start_bot, team_settings, servicenow: ServiceNowStandIn, caplog
):
    """Only the case named by the correlation id is read (one store read per notice, however many
    records ServiceNow calls about); a ticket without one waits for its poll."""
    team = await start_team(
        start_bot, team_settings, **servicenow_settings(servicenow, servicenow_callback_secret=SECRET)
    )
    case_id, number = await sent_by_the_bot(team)
    servicenow.resolve(number, "Raderat ur LifeCare SP.")
    calls = len(servicenow.calls)
    caplog.set_level(logging.INFO)
    for notice in ({"number": number}, {"number": number, "correlation_id": "nosuchcase"}):
        assert await post(team, notice) == 202
        await team.drain()
    assert len(servicenow.calls) == calls  # not read now: nothing searched the waiting cases
    assert (await team.case(case_id)).status is Status.SENT_TO_VENDOR
    said = [r.getMessage() for r in caplog.records if r.name == "adapters.servicenow_callback"]
    assert said == [f"ServiceNow callback for {number}: not a waiting case"] * 2
    for _ in range(2):  # the case's own poll, 30 office minutes after sending
        team.bot.clock.advance(minutes=16)
        await team.drain()
    assert (await team.case(case_id)).status is Status.VENDOR_REPORTED


async def test_a_notice_for_no_waiting_case_is_accepted_and_reads_nothing(
    start_bot, team_settings, servicenow: ServiceNowStandIn
):
    team = await start_team(
        start_bot, team_settings, **servicenow_settings(servicenow, servicenow_callback_secret=SECRET)
    )
    await sent_by_the_bot(team)
    calls = len(servicenow.calls)
    assert await post(team, {"number": "INC0999999", "correlation_id": "nosuchcase"}) == 202
    await team.drain()
    assert len(servicenow.calls) == calls


async def test_refusals_are_4xx_and_throttled_log_lines(
    start_bot, team_settings, servicenow: ServiceNowStandIn, caplog
):
    caplog.set_level(logging.INFO)
    team = await start_team(
        start_bot, team_settings, **servicenow_settings(servicenow, servicenow_callback_secret=SECRET)
    )
    case_id, number = await sent_by_the_bot(team)
    servicenow.resolve(number, "Raderat.")
    assert await post(team, {"number": number}, secret=None) == 401
    assert await post(team, {"number": number}, secret=SECRET[:-1]) == 401
    assert await post(team, {"number": number}, secret=SECRET + "x") == 401
    assert await post(team, b"not json") == 400
    assert await post(team, [number]) == 400
    assert await post(team, {"number": "INC 1; DROP"}) == 400
    assert await post(team, {"number": 12345}) == 400
    assert await post(team, {}) == 400
    assert await post(team, {"number": number, "pad": "x" * 5000}) == 413
    assert await post(team, b"{}", **{"Content-Type": "text/plain"}) == 415
    await team.drain()
    assert (await team.case(case_id)).status is Status.SENT_TO_VENDOR  # nothing refused was acted on
    assert "Traceback" not in caplog.text and SECRET not in caplog.text

    caplog.clear()
    for _ in range(80):
        assert await post(team, {"number": number}, secret="wrong") == 401
    lines = [r for r in caplog.records if r.name == "adapters.edge"]
    assert len(lines) <= 60


async def test_without_a_secret_there_is_no_route(start_bot, team_settings, servicenow: ServiceNowStandIn):
    team = await start_team(start_bot, team_settings, **servicenow_settings(servicenow))
    assert await post(team, {"number": "INC0010001"}) == 404


async def test_a_notice_while_the_store_is_gone_is_a_503_not_a_500(
    start_bot, team_settings, servicenow: ServiceNowStandIn, redis_servers, caplog
):
    redis = redis_servers()
    redis.start()
    settings = servicenow_settings(servicenow, servicenow_callback_secret=SECRET)
    team = await start_team(start_bot, team_settings, **settings, redis_url=redis.url)
    redis.stop(kill=True)
    with caplog.at_level(logging.WARNING):
        assert await post(team, {"number": "INC0012345", "correlation_id": "somecase"}) == 503
    assert "Traceback" not in caplog.text
