"""`@bot statistik` and the weekly digest's counts at 1k / 10k / 100k cases, on both stores.

    .venv/bin/python bench/bench_statistics.py [--redis redis://127.0.0.1:6379/0] [--sizes 1000,10000,100000]

Builds the real app (create_app, outbox worker off) on a fresh store per size and fills it with
synthetic cases spread over the last 12 months, each with a whole history (taken, every step,
closed, rejected or withdrawn), written through the store's own case write with the counters the
service adds (domain/statistics.case_counts), in concurrent batches. Then times
`services.statistics.report("")` (12 months: the default card's data) and the digest's week
counts, median and max of 30 calls each, plus the card built from the report, and on Redis the
server's own time per report (INFO commandstats around the timed calls: only the report's
read-only script runs then). Prints measured numbers only.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp.test_utils import TestServer  # noqa: E402

from bot import SERVICES, create_app  # noqa: E402
from cards.stats_card import create_stats_card  # noqa: E402
from config import load_settings  # noqa: E402
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person  # noqa: E402
from domain.digest import previous_week  # noqa: E402
from domain.ports import FollowUps  # noqa: E402
from domain.statistics import case_counts  # noqa: E402

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ORGS = [Organisation(kind=OrgKind.REGION, name="Region Västernorrland")] + [
    Organisation(kind=OrgKind.MUNICIPALITY, name=name)
    for name in ("Sundsvall", "Timrå", "Härnösand", "Kramfors", "Sollefteå", "Ånge", "Örnsköldsvik")
]
ANNA = Person(id="29:anna", name="Anna")
KARIN = Person(id="29:karin", name="Karin")
STEPS_A = (Action.RECORD_CALL, Action.RECORD_ADDRESS_UPDATE, Action.CONFIRM_PROTECTED,
           Action.RECORD_PROCESS_CLOSED, Action.RECORD_SENT_TO_VENDOR, Action.RECORD_VENDOR_CONFIRMED)  # fmt: skip


def synthetic_case(rng: random.Random, calendar: Any) -> Case:
    created = NOW - timedelta(minutes=rng.randint(60, 330 * 24 * 60))
    kind = rng.choice((CaseKind.A, CaseKind.B))
    case = Case(id=uuid4().hex, kind=kind, organisation=rng.choice(ORGS), patient_id="P1",
                submitter=ANNA, created_at=created, updated_at=created)  # fmt: skip
    at = created
    ending = rng.random()
    if ending < 0.05:
        case.apply(Action.WITHDRAW, ANNA, at + timedelta(hours=1))
        return case
    if ending < 0.15:  # still open, waiting for a handläggare
        return case
    at += timedelta(hours=rng.expovariate(1 / 6))
    case.apply(Action.TAKE, KARIN, at)
    steps = STEPS_A if kind is CaseKind.A else STEPS_A[1:]
    for action in steps:
        at += timedelta(hours=rng.expovariate(1 / (30 if action is Action.RECORD_VENDOR_CONFIRMED else 4)))
        if at > NOW:
            break
        if action is Action.CONFIRM_PROTECTED and ending < 0.2:
            case.apply(Action.REJECT_NOT_PROTECTED, KARIN, at, detail="Ingen markering")
            break
        case.apply(action, KARIN, at, detail="INC0012345" if action is Action.RECORD_SENT_TO_VENDOR else "")
    return case


async def fill(services: Any, size: int, seed: int) -> float:
    rng = random.Random(seed)
    stores, calendar = services.stores, services.planner.calendar
    started = time.perf_counter()
    for start in range(0, size, 500):
        batch = [synthetic_case(rng, calendar) for _ in range(min(500, size - start))]
        await asyncio.gather(
            *(stores.cases.create(c, FollowUps(stats=case_counts(c, calendar))) for c in batch)
        )
    return time.perf_counter() - started


RUNS = 30


async def timed(call: Any, runs: int = RUNS) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


async def one_size(redis_url: str, size: int) -> None:
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            _env_file=None, data_dir=Path(data), outbox_poll_seconds=0, redis_url=redis_url,
            redis_key_prefix=f"benchstats-{uuid4().hex[:8]}", digest_schedule="off",
        )  # fmt: skip
        server = TestServer(create_app(settings, clock=lambda: NOW), host="127.0.0.1")
        await server.start_server()
        services: Any = server.app[SERVICES]
        try:
            filled = await fill(services, size, seed=size)
            report = await services.statistics.report("")
            assert report.filed == size, (report.filed, size)  # every case counted once
            start, end = previous_week(NOW)
            before = await script_usec(services)
            median, worst = await timed(lambda: services.statistics.report(""), RUNS)
            after = await script_usec(services)
            scripts = max(1, after[1] - before[1])
            per_report, per_script = (
                (after[0] - before[0]) / RUNS / 1000,
                (after[0] - before[0]) / scripts / 1000,
            )
            server_ms = f"{per_report:.2f} ({per_script:.2f})" if redis_url else "–"
            card_median, _ = await timed(lambda: card(services))
            week_median, week_worst = await timed(lambda: services.statistics.day_counts(start, end))
            print(f"| {settings.storage_backend} | {size:,} | {median:.2f} | {worst:.2f} | {server_ms} | {card_median:.2f} "
                  f"| {week_median:.2f} | {week_worst:.2f} | {filled:.0f} s |", flush=True)  # fmt: skip
        finally:
            if redis_url:
                client = services.stores._client
                keys = [k async for k in client.scan_iter(match=services.stores.keys.pattern(), count=5000)]
                for n in range(0, len(keys), 5000):
                    await client.delete(*keys[n : n + 5000])
            await server.close()


async def script_usec(services: Any) -> tuple[int, int]:
    """(µs, calls) the Redis server spent in scripts so far; (0, 0) on SQLite."""
    client = getattr(services.stores, "_client", None)
    if client is None:
        return 0, 0
    stats = (await client.info("commandstats")).get("cmdstat_evalsha") or {}
    return int(stats.get("usec", 0)), int(stats.get("calls", 0))


async def card(services: Any) -> None:
    report = await services.statistics.report("")
    create_stats_card(report, "sv-SE", organisation_label=str, day_hours=9, office=("08:00", "17:00"))


async def main(redis_url: str, sizes: list[int]) -> None:
    print("| store | cases | report median ms | report max ms | Redis server ms per report (per script) "
          "| report + card median ms | digest week median ms | max ms | fill |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        await one_size(redis_url, size)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", default="", help="redis://… to measure the Redis store instead")
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    asyncio.run(main(args.redis, [int(s) for s in args.sizes.split(",")]))
