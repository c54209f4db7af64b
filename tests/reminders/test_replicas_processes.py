"""The issue's acceptance check with real processes: two `bot.py` replicas on one Redis, their clock
far ahead, one of them killed with SIGKILL in the middle of a send.

The test seeds a private redis-server the way production leaves it — cases filed through the real
`CaseService` of an app built by `create_app` on a Monday morning, their threads posted, a third of them taken
by an admin — and then runs the bots on the following Saturday (`CLOCK_OFFSET_HOURS`), when the
whole week's reminders are due. Every conversation reference points at the in-process
FakeConnector, which counts what arrives per (conversation, text).

The kill is placed exactly, not by luck: the connector holds arriving calls until each replica has
one send in flight, then one replica is killed, and its held call is dropped (it never reached
"Teams"). Its claimed batch must come back after the lease (`OUTBOX_LEASE_SECONDS`) and be sent by
the survivor or the replacement, each reminder once. (A kill in the few microseconds between Teams
accepting a send and the bot recording it would repeat that one message: see
`ProactiveSender._once`. That window is not what this test aims at.)
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AsyncExitStack, suppress
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO

import aiohttp
import pytest
from aiohttp import web
from redis.asyncio import Redis

from adapters.store_keys import KeyBuilder, to_micros
from bot import SERVICES, create_app
from config import Settings, load_settings
from domain.case import Action, Case, Organisation, OrgKind
from domain.clock import STOCKHOLM
from domain.intake import IntakeDraft
from domain.reminder_schedule import ScheduledReminder, follow_up, plan_reminder
from jobs.case_places import CasePlace
from tests.conftest import FakeClock
from tests.reminders.conftest import CENTRAL, dm, person, reference
from tests.routing.conftest import PostedCase, with_place
from tests.support.activities import LARS, User
from tests.support.fake_connector import FakeConnector
from tests.support.redis_server import RedisServer, free_port

ROOT = Path(__file__).parents[2]
PREFIX = "sidreplicas"
CASES = 120
TAKEN_EVERY = 3  # every third case was taken by an admin: 1:1 and thread reminders
ADMINS = [User(f"29:admin-{n}", f"Handläggare {n}", f"aad-admin-{n}") for n in range(8)]
LEASE_SECONDS = 8
KILL_AFTER_SENDS = 200
DEADLINE_SECONDS = 50
REMINDER = "⏰"  # every reminder text starts with it (messages/sv.py)
CASE_NUMBER = re.compile(r"SID-\d{4}-\d{4}")
KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def _settings() -> Settings:
    return load_settings(
        _env_file=None,
        central_channel_id=CENTRAL,
        admin_ids=",".join(f"{a.id}={a.name}" for a in ADMINS),
        admin_lead_ids=f"{LARS.id}={LARS.name}",
    )


def _quiet_week(settings: Settings, today: date) -> date:
    """The Monday of the first full working week starting two weeks or more from today."""
    calendar = settings.business_calendar()
    day = today + timedelta(days=14 + (7 - today.weekday()) % 7)
    while not all(calendar.is_working_day(day + timedelta(days=n)) for n in range(5)):
        day += timedelta(days=7)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


def _due_until(case: Case, settings: Settings, until: datetime) -> list[ScheduledReminder]:
    """The reminders of the case's current idle period that are due by `until`, in order."""
    calendar, policy = settings.business_calendar(), settings.reminder_policy()
    due: list[ScheduledReminder] = []
    planned = plan_reminder(case, calendar, policy)
    while planned is not None and planned.due_at <= until:
        due.append(planned)
        planned = follow_up(case, planned, calendar, policy)
    return due


async def _seed(
    redis_url: str, connector: FakeConnector, settings: Settings, monday: date
) -> list[PostedCase]:
    """Cases filed Monday 09:00 through the production app's use cases (its worker off), threads
    posted, some taken 09:30."""
    clock = FakeClock(_at(monday, 9))
    seeding = settings.model_copy(
        update={"redis_url": redis_url, "redis_key_prefix": PREFIX, "outbox_poll_seconds": 0}
    )
    runner = web.AppRunner(create_app(seeding, clock=clock))
    await runner.setup()
    try:
        services = runner.app[SERVICES]
        stores, service = services.stores, services.cases
        await stores.references.save(f"channel:{CENTRAL}", reference(connector.url, CENTRAL))
        for admin in ADMINS:
            await stores.references.save(f"user:{admin.aad_id}", reference(connector.url, dm(admin), admin))
        cases = []
        for n in range(CASES):
            clock.now = _at(monday, 9)
            staff = User(f"29:staff-{n}", f"Personal {n}", f"aad-staff-{n}")
            await stores.references.save(f"user:{staff.aad_id}", reference(connector.url, dm(staff), staff))
            draft = IntakeDraft.start(
                clock(), Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
            ).model_copy(
                update={
                    "has_episode": False,
                    "patient_id": f"P{n:05d}",
                    "protected_confirmed": True,
                }
            )
            case, created = await service.file(draft, person(staff), dm(staff))
            assert created
            # What routing did when the card went out: the case has its thread in the channel.
            await services.places.save(
                case.id, CasePlace(thread=f"{CENTRAL};messageid={1000 + n}", card=f"card-{n}")
            )
            if n % TAKEN_EVERY == 0:
                clock.now = _at(monday, 9, 30)
                case, _ = await service.act(case, Action.TAKE, person(ADMINS[n % len(ADMINS)]), CENTRAL)
            cases.append(await with_place(services, case))
        return cases
    finally:
        await runner.cleanup()


class Replica:
    """One `bot.py` process; its output goes to a log file the failure message quotes."""

    def __init__(self, name: str, workdir: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = workdir / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        try:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "bot.py")],
                cwd=workdir,  # no stray .env from the checkout
                env={**env, "PORT": str(self.port)},
                stdout=self._log,
                stderr=subprocess.STDOUT,
            )
        except BaseException:
            self._log.close()
            raise

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    async def healthy(self, http: aiohttp.ClientSession, deadline: float) -> None:
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            with suppress(aiohttp.ClientError):
                async with http.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
        pytest.fail(f"{self.name} did not answer /healthz:\n{self.log_tail()}")

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


async def _until(condition: Callable[[], bool], deadline: float, what: str, logs: Path) -> None:
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} (the bots' logs are in {logs})")
        await asyncio.sleep(0.01)


def _bot_now(offset_hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=offset_hours)


async def _leftovers(redis_url: str, now: datetime) -> tuple[list[str], int]:
    """Items due by `now` still in the index, and how many claims are open."""
    keys = KeyBuilder(prefix=PREFIX)
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        due = await client.zrangebyscore(keys.due_schedule(), "-inf", to_micros(now))
        return [str(item_id) for item_id in due], int(await client.hlen(keys.due_claims()))
    finally:
        await client.aclose()


async def test_two_replicas_a_clock_far_ahead_and_a_kill_9_deliver_every_reminder_once(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    deadline = started + DEADLINE_SECONDS
    settings = _settings()
    async with AsyncExitStack() as cleanup:  # stops the bots first, then the connector and Redis
        redis = RedisServer(tmp_path / "redis")
        cleanup.callback(redis.stop)
        redis.start()
        connector = await FakeConnector().start()
        cleanup.push_async_callback(connector.close)

        def replicas(name: str, env: dict[str, str]) -> Replica:
            replica = Replica(name, tmp_path, env)
            cleanup.callback(replica.stop)
            return replica

        monday = _quiet_week(settings, datetime.now(STOCKHOLM).date())
        cases = await _seed(redis.url, connector, settings, monday)
        saturday_noon = _at(monday + timedelta(days=5), 12)  # no reminder falls due on a Saturday

        # What must arrive: per conversation and case number, the week's reminders.
        expected: Counter[tuple[str, str]] = Counter()
        for case in cases:
            due = len(_due_until(case, settings, saturday_noon))
            expected[case.thread_conversation_id, case.number] = due
            if case.assignee is not None:
                expected[f"a:personal-{case.assignee.id}", case.number] = due
        assert 700 < sum(expected.values()) < 800  # 80 x 5 unassigned, 40 x 4 x 2 step idle

        offset_hours = (saturday_noon - datetime.now(UTC)) / timedelta(hours=1)
        env = {key: os.environ[key] for key in KEPT_ENV if key in os.environ} | {
            "PYTHONUNBUFFERED": "1",
            "REDIS_URL": redis.url,
            "REDIS_KEY_PREFIX": PREFIX,
            "CLOCK_OFFSET_HOURS": repr(offset_hours),
            "OUTBOX_POLL_SECONDS": "0.2",
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "CENTRAL_CHANNEL_ID": CENTRAL,
            "ADMIN_IDS": ",".join(f"{a.id}={a.name}" for a in ADMINS),
            "ADMIN_LEAD_IDS": f"{LARS.id}={LARS.name}",
            "LOG_LEVEL": "INFO",
        }

        def reminders_arrived() -> Counter[tuple[str, str]]:
            return Counter(
                (activity["_conversation"], match[0])
                for activity in connector.sent
                if (text := activity.get("text") or "").startswith(REMINDER)
                and (match := CASE_NUMBER.search(text))
            )

        async with aiohttp.ClientSession() as http:
            # Both replicas up, each with a send in flight: both really take part.
            connector.hold()
            first, second = replicas("replica-a", env), replicas("replica-b", env)
            await first.healthy(http, deadline)
            await second.healthy(http, deadline)
            await _until(lambda: connector.held == 2, deadline, "a send from each replica", tmp_path)
            connector.release()

            await _until(
                lambda: len(connector.sent) >= KILL_AFTER_SENDS, deadline, "the first sends", tmp_path
            )
            connector.hold()
            await _until(lambda: connector.held == 2, deadline, "both replicas mid-send", tmp_path)
            sent_before_kill = len(connector.sent)
            first.kill9()  # SIGKILL with a send in flight and a claimed batch
            killed_at = time.monotonic()
            await asyncio.sleep(0.3)  # the connector sees the dead replica hang up
            connector.release()
            replacement = replicas("replica-c", env)
            await replacement.healthy(http, deadline)

            await _until(
                lambda: sum(reminders_arrived().values()) >= sum(expected.values()),
                deadline,
                f"{sum(expected.values())} reminders (the dead replica's come back after the lease)",
                tmp_path,
            )
            # Work due now or shortly (a send whose marker the dead replica still held comes back
            # seconds later, once that claim expired), measured on the bots' clock each round.
            while (await _leftovers(redis.url, _bot_now(offset_hours) + timedelta(minutes=1))) != ([], 0):
                assert time.monotonic() < deadline, "due work left in the index"
                await asyncio.sleep(0.1)
            recovered_after = time.monotonic() - killed_at
            await asyncio.sleep(1.0)  # time for a late duplicate to show

        assert connector.dropped == 1, "the killed replica's send in flight was cut off"
        # Nothing but the lease frees its claims (taken at most one batch before the kill).
        assert recovered_after > LEASE_SECONDS / 2
        assert second.process.poll() is None and replacement.process.poll() is None
        arrived = reminders_arrived()
        assert arrived == expected, {
            "missing": expected - arrived,
            "extra": arrived - expected,
        }
        # Nothing else twice: threads and the submitters' chats get every text once (an
        # admin's 1:1 repeats the same words per reminder; counted per case above).
        per_target = connector.per_target()
        admin_chats = {dm(admin) for admin in ADMINS}
        repeated = {
            target: count
            for target, count in per_target.items()
            if count > 1 and target[0] not in admin_chats
        }
        assert repeated == {}
        submitters = Counter(
            activity["_conversation"]
            for activity in connector.sent
            if activity["_conversation"].startswith("a:personal-29:staff-")
        )
        assert submitters == Counter(
            {
                f"a:personal-{c.submitter.id}": 2 if c.assignee else 1  # received (+ taken)
                for c in cases
            }
        )
        assert connector.to_conversation(CENTRAL) == []  # every case had its thread
        print(  # noqa: T201 - the report of the run (pytest -s)
            f"\n{len(cases)} cases, {sum(expected.values())} reminders, "
            f"{len(connector.sent)} activities; {sent_before_kill} sent before the kill; "
            f"all done {recovered_after:.1f} s after it; "
            f"{time.monotonic() - started:.1f} s"
        )
