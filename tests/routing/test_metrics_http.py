"""GET /metrics over real HTTP, and the log context (activity, conversation kind, case number).

Counters are per process, as Prometheus expects, so the tests compare before and after."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from adapters.logging_setup import ContextFilter, JsonFormatter, RedactingFilter, TextFormatter, log_context
from tests.routing.conftest import Team
from tests.support.activities import ANNA, TENANT
from tests.support.numbers import personnummer

SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


async def scrape(team: Team, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with team.bot.http.get(team.bot.server.make_url("/metrics"), headers=headers or {}) as response:
        return response.status, await response.text()


async def samples(team: Team) -> dict[str, float]:
    status, body = await scrape(team)
    assert status == 200
    found = {}
    for line in body.splitlines():
        match = SAMPLE.match(line)
        if match:  # labels sorted, so a key does not depend on the exposition's label order
            labels = ",".join(sorted((match["labels"] or "").split(","))).strip(",")
            found[f"{match['name']}{{{labels}}}"] = float(match["value"])
    return found


def delta(before: dict[str, float], after: dict[str, float], key: str) -> float:
    return after.get(key, 0.0) - before.get(key, 0.0)


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The production log pipeline (context, redaction, JSON) into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def test_metrics_are_prometheus_text_and_count_turns_by_type_and_outcome(team):
    before = await samples(team)
    await team.bot.chat(ANNA).say("hjälp")
    await team.bot.chat(ANNA).say(f"pnr {personnummer('850709', '238')}")
    status, body = await scrape(team)
    after = await samples(team)
    assert status == 200 and "# TYPE sid_turns_total counter" in body
    assert delta(before, after, 'sid_turns_total{outcome="ok",type="message"}') >= 1
    assert delta(before, after, 'sid_turns_total{outcome="guard_refused",type="message"}') == 1
    assert delta(before, after, "sid_guard_refusals_total{}") == 1
    assert delta(before, after, 'sid_turn_duration_seconds_count{type="message"}') >= 2
    assert "850709" not in body  # a count only


async def test_outbox_depth_and_the_age_of_the_oldest_due_item_come_from_the_store(team):
    await team.drain()
    due, now = team.bot.services.stores.due, team.bot.clock()
    await due.schedule("m-1", now - timedelta(minutes=7), {"kind": "metrics-test"})
    await due.schedule("m-2", now - timedelta(minutes=1), {"kind": "metrics-test"})
    await due.schedule("m-3", now + timedelta(days=2), {"kind": "metrics-test"})
    found = await samples(team)
    assert found["sid_outbox_due_items{}"] == 2
    assert found["sid_outbox_scheduled_items{}"] >= 3
    assert found["sid_outbox_oldest_due_age_seconds{}"] == 7 * 60
    assert found["sid_store_up{}"] == 1


async def test_a_permanent_delivery_failure_is_counted_by_kind(team):
    case = await team.file(ANNA)
    before = await samples(team)
    team.connector.fail_next.append(403)
    await team.drain()
    after = await samples(team)
    assert delta(before, after, 'sid_delivery_failures_total{kind="permanent"}') >= 1
    assert case.number


async def test_log_lines_name_the_activity_the_conversation_kind_and_the_case_never_the_patient(
    team, json_log
):
    await team.bot.chat(ANNA).say(f"pnr {personnummer('850709', '238')}")
    turn_lines = [line for line in lines(json_log) if "identity guard" in str(line["msg"])]
    assert turn_lines and turn_lines[0]["conversation"] == "personal" and turn_lines[0]["activity_id"]
    case = await team.file(ANNA)
    team.connector.fail_next.append(403)  # the job logs the delivery problem
    await team.drain()
    job_lines = [line for line in lines(json_log) if line.get("job")]
    assert any(line.get("case") == case.number for line in job_lines), job_lines
    assert "P12345" not in json_log.getvalue()  # the Patient ID team.file() used
    assert "850709" not in json_log.getvalue()


@pytest.fixture
def authenticated(settings_for):
    def make(**overrides: str):
        return settings_for(
            app_id="00000000-0000-0000-0000-000000000001",
            app_password="not-a-real-secret",
            app_tenant_id=TENANT,
            allowed_tenant_ids=TENANT,
            **overrides,
        )

    return make


async def test_with_credentials_metrics_need_the_bearer_token(start_bot, authenticated):
    bot = Team(await start_bot(authenticated(metrics_token="t" * 40)))
    assert (await scrape(bot))[0] == 401
    assert (await scrape(bot, {"Authorization": "Bearer wrong"}))[0] == 401
    status, body = await scrape(bot, {"Authorization": f"Bearer {'t' * 40}"})
    assert status == 200 and "sid_turns_total" in body


async def test_with_credentials_and_no_token_there_is_no_metrics_route(start_bot, authenticated):
    assert (await scrape(Team(await start_bot(authenticated()))))[0] == 404


def test_text_log_lines_end_with_the_context():
    formatter = TextFormatter("%(levelname)s %(message)s")
    with log_context(activity_id="a-1", conversation="personal"):
        record = logging.makeLogRecord({"msg": "hello", "levelname": "INFO"})
        ContextFilter().filter(record)
    assert formatter.format(record) == "INFO hello [activity_id=a-1 conversation=personal]"
    assert formatter.format(logging.makeLogRecord({"msg": "x", "levelname": "INFO"})) == "INFO x"


def test_only_the_fixed_context_keys_can_be_bound():
    with pytest.raises(ValueError, match="patient_id"), log_context(patient_id="P12345"):
        pass


async def test_a_dead_letter_is_counted_by_job_kind(start_bot, settings_for):
    bot = Team(await start_bot(settings_for(outbox_poll_seconds=0, outbox_retry_attempts=2)))
    worker, due, clock = bot.bot.services.worker, bot.bot.services.stores.due, bot.bot.clock

    async def always_fails(item):
        raise RuntimeError("still broken")

    worker.register("metrics-doomed", always_fails)
    before = await samples(bot)
    await due.schedule("doomed", clock(), {"kind": "metrics-doomed"})
    for _ in range(4):
        await worker.run_once()
        clock.advance(minutes=10)
    after = await samples(bot)
    assert delta(before, after, 'sid_dead_letters_total{job="metrics-doomed"}') == 1
