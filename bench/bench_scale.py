"""Open work at scale (issue 19): what a sweep, an idle poll, `påminnelser` and the overview cost
with 1,000, 10,000 and 100,000 open cases, on both stores.

    .venv/bin/python bench/bench_scale.py [--sizes 1000 10000 100000] [--stores sqlite redis]
    make bench-scale

Per store it starts what the store needs (a redis-server on a free port, a SQLite file in a temp
folder), the stand-in Teams connector (bench/connector.py, in process) and the app built by
`bot.create_app` with its worker off and a clock the benchmark steps. Cases are filed through
the app's own `CaseService.file` (the intake's write: case, audit entry, outbox item and first
reminder in one store write), many at once, growing the population size by size. Each case's
card counts as posted: routing's record of its thread is written through the app's `CasePlaces`
(what the `case_filed` job writes after posting) and the `case_filed` item is dropped from the
due index — posting 100,000 cards through the stand-in would take longer than everything else,
and reminders into case threads are the steady state. At each size it measures:

- **sweep** — the app's outbox worker runs 200 due reminders (10 batches of 20, as it polls),
  each sent to the stand-in connector over HTTP; ms per item and store round trips per item
  (counted at the store ports like bench/round_trips.py);
- **idle poll** — the worker looks for work when none is due (median of 50);
- **påminnelser** — `@Skyddad ID påminnelser` in the central channel over HTTP (median of 5);
- **statistik** — `@Skyddad ID statistik` the same way (median of 5);
- **overview** — `@Skyddad ID översikt` the same way, its first page as a card (median of 5);

and during each the longest event-loop stall (a ticker task sleeping 1 ms, its lateness), the CPU
the loop's thread spent in that gap, the longest garbage collection and, on Redis, the longest
single command or script (SLOWLOG with threshold 0, reset before each). The
stall of a second of doing nothing is reported as the floor: on a shared machine other processes
preempt this one, and stalls near the floor are that, not the app.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from bench import load, redis_slowlog  # noqa: E402
from bench.connector import Connector, make_app  # noqa: E402
from bench.redis_slowlog import store_location  # noqa: E402
from bench.round_trips import count_calls  # noqa: E402
from bench.scale_report import Measure, SizeResult, describe, table  # noqa: E402
from bench.stall_meter import StallMeter  # noqa: E402
from bot import SERVICES, create_app  # noqa: E402
from config import load_settings  # noqa: E402
from domain.case import Organisation, OrgKind, Person  # noqa: E402
from domain.intake import IntakeDraft  # noqa: E402
from jobs.case_places import CasePlace  # noqa: E402

T0 = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Monday 08:00 in Stockholm, a working day
SWEEP_AT = T0 + timedelta(days=2)  # Wednesday: every case's first reminder (4 business hours) is due
FILE_STEP = timedelta(milliseconds=100)  # 100,000 cases span 2.8 h, all before the first is due
CHUNK = 400  # cases filed at once
BATCH = 20  # the worker's batch


def _thread(n: int) -> CasePlace:
    return CasePlace(thread=f"{load.CENTRAL};messageid=bench-{n}", card=f"card-{n}")


class SteppedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Bench:
    def __init__(
        self, store: str, redis: Redis | None, services: Any, http: ClientSession, target: Any, sweep: int
    ) -> None:
        self.store = store
        self.sweep_items = sweep
        self.redis = redis
        self.services = services
        self.http = http
        self.target = target
        self.clock: SteppedClock = services.clock
        self.meter = StallMeter()
        self.calls: Counter[str] = Counter()
        count_calls(services.stores, self.calls)
        self.filed = 0

    async def measure(self, run: Callable[[], Awaitable[float]]) -> Measure:
        if self.redis is not None:
            await redis_slowlog.start_logging(self.redis)
        async with self.meter.watching() as meter:
            ms = await run()
        stalls = (meter.worst * 1000, meter.worst_cpu * 1000, meter.worst_gc * 1000)
        if self.redis is None:
            return Measure(ms, *stalls, None)
        return Measure(ms, *stalls, *await redis_slowlog.slowest(self.redis))

    async def populate(self, size: int) -> float:
        """File cases up to `size` through CaseService.file, then drop their card-posting items."""
        started = time.perf_counter()
        org = Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
        while self.filed < size:
            count = min(CHUNK, size - self.filed)
            base = self.filed
            self.clock.now = T0 + FILE_STEP * base
            drafts = [
                IntakeDraft(
                    draft_id=uuid4().hex,
                    started_at=self.clock.now,
                    organisation=org,
                    has_episode=False,
                    patient_id=f"BENCH{base + n:07d}",
                    protected_confirmed=True,
                )
                for n in range(count)
            ]
            users = [Person(id=f"29:bench-{(base + n) % 997}", name="Bench User") for n in range(count)]
            filed = await asyncio.gather(
                *(self.services.cases.file(d, u, "a:bench") for d, u in zip(drafts, users, strict=True))
            )
            # As if each card had been posted: routing's record of its thread, then no case_filed item.
            places = self.services.places
            await asyncio.gather(*(places.save(c.id, _thread(base + n)) for n, (c, _) in enumerate(filed)))
            await asyncio.gather(*(self.services.stores.due.cancel(f"case_filed:{c.id}") for c, _ in filed))
            self.filed += count
        return time.perf_counter() - started

    async def sweep(self) -> Measure:
        self.clock.now = SWEEP_AT
        self.calls.clear()

        async def run() -> float:
            started, done = time.perf_counter(), 0
            for _ in range(-(-self.sweep_items // BATCH)):
                done += await self.services.worker.run_once()
            if done != self.sweep_items:
                raise RuntimeError(f"the sweep finished {done} items, not {self.sweep_items}")
            return (time.perf_counter() - started) * 1000 / self.sweep_items

        measure = await self.measure(run)
        measure.round_trips = sum(self.calls.values()) / self.sweep_items
        return measure

    async def quiet(self) -> Measure:
        """The floor: the loop's longest stall while the app does nothing for a second (on a
        shared machine, other processes preempt this one; stalls below this are noise)."""

        async def run() -> float:
            await asyncio.sleep(1.0)
            return 0.0

        return await self.measure(run)

    async def idle_poll(self) -> Measure:
        self.clock.now = T0 - timedelta(hours=1)  # before anything is due

        async def run() -> float:
            times = []
            for _ in range(50):
                started = time.perf_counter()
                if await self.services.worker.run_once():
                    raise RuntimeError("the idle poll found work")
                times.append(time.perf_counter() - started)
            return statistics.median(times) * 1000

        return await self.measure(run)

    async def command(self, words: str, *, card: bool = False) -> Measure:
        """`@Skyddad ID <words>` in the central channel, as an admin types it (median of 5);
        `card`: the answer must be a card (a refusal is text)."""
        self.clock.now = SWEEP_AT
        mention = {"type": "mention", "mentioned": load.BOT, "text": f"<at>{load.BOT['name']}</at>"}

        async def run() -> float:
            times = []
            for _ in range(5):
                activity = load.channel(
                    self.target, f"{load.CENTRAL};messageid=1", type="message", entities=[mention],
                    text=f"<at>{load.BOT['name']}</at> {words}", deliveryMode="expectReplies",
                )  # fmt: skip
                started = time.perf_counter()
                body = await load.post(self.http, self.target, activity)
                times.append(time.perf_counter() - started)
                replies = (body or {}).get("activities") or []
                if not replies or (card and not replies[0].get("attachments")):
                    raise RuntimeError(f"{words} gave no {'card' if card else 'answer'}: {body!r}")
            return statistics.median(times) * 1000

        return await self.measure(run)

    async def reminders_command(self) -> Measure:
        return await self.command("påminnelser")

    async def statistics_command(self) -> Measure:
        return await self.command("statistik", card=True)

    async def overview(self) -> Measure:
        return await self.command("översikt", card=True)


async def run_store(store: str, sizes: list[int], sweep: int) -> list[SizeResult]:
    results: list[SizeResult] = []
    connector_server = TestServer(make_app(Connector()), host="127.0.0.1")
    await connector_server.start_server()
    with tempfile.TemporaryDirectory() as workdir:
        async with store_location(store, Path(workdir)) as (redis_url, redis):
            settings = load_settings(
                _env_file=None, data_dir=Path(workdir) / "data", outbox_poll_seconds=0,
                redis_url=redis_url, admin_ids="29:karin=Karin Holm", log_level="WARNING",
                turns_per_user_minute=0, turns_per_conversation_minute=0,  # one admin types every command
            )  # fmt: skip
            server = TestServer(create_app(settings, clock=SteppedClock(T0)), host="127.0.0.1")
            await server.start_server()
            service_url = str(connector_server.make_url("/bot"))
            target = load.Target("bot", str(server.make_url("/api/messages")), True, service_url)
            async with ClientSession() as http:
                await load.link_central_channel(http, target)
                bench = Bench(store, redis, server.app[SERVICES], http, target, sweep)
                for size in sizes:
                    result = SizeResult(size, await bench.populate(size))
                    print(
                        f"{store}: {size:>7} open cases filed ({result.populate_s:.0f} s in all)", flush=True
                    )
                    for name, step in (
                        ("nothing (noise floor)", bench.quiet),
                        ("idle poll", bench.idle_poll),
                        ("sweep", bench.sweep),
                        ("påminnelser", bench.reminders_command),
                        ("statistik", bench.statistics_command),
                        ("overview", bench.overview),
                    ):
                        result.measures[name] = measure = await step()
                        print(f"  {name:12} {describe(measure)}", flush=True)
                    results.append(result)
            await server.close()
    await connector_server.close()
    return results


async def main(sizes: list[int], stores: list[str], sweep: int = 200) -> dict[str, list[SizeResult]]:
    if sweep > min(sizes):
        raise SystemExit(f"--sweep {sweep} needs at least that many cases at the smallest size")
    everything = {}
    for store in stores:
        everything[store] = results = await run_store(store, sorted(sizes), sweep)
        print()
        print(table(store, results))
        print()
    return everything


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--stores", nargs="+", choices=["sqlite", "redis"], default=["sqlite", "redis"])
    parser.add_argument("--sweep", type=int, default=200, help="due reminders per sweep")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.sizes, arguments.stores, arguments.sweep))
