"""Admin clicks in-process: CPU and latency per click, with the outbox off or on.

    .venv/bin/python bench/bench_clicks.py [--redis redis://127.0.0.1:6379/0] [--cases 30]
        [--concurrency 1] [--outbox] [--time-store] [--profile tottime|cumulative]

Runs the real app in-process (create_app, loopback HTTP, the stand-in connector of
bench/connector.py), files `--cases` type A cases, posts their cards, and then clicks the five
admin steps on each, `--concurrency` cards at a time (bench/load.py, as bench_turns.py does).
Without `--outbox` the worker is stopped while clicking, so the figures are the clicks' own turns;
with it the worker runs meanwhile, and the CPU figure includes draining what the clicks queued.
The client shares the process and its CPU: compare runs of this script (e.g. two checkouts,
alternating), not its absolute numbers with bench_turns.py's. `--time-store` also times every
read and every write of the embedded store (SqliteDatabase's read, read_now, write and
write_then_read, await to result); `--profile` prints cProfile's top functions for the clicks.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from adapters.sqlite_db import SqliteDatabase  # noqa: E402
from bench import load  # noqa: E402
from bench.connector import Connector, make_app  # noqa: E402
from bot import SERVICES, create_app  # noqa: E402
from config import load_settings  # noqa: E402

UNLIMITED = 1_000_000  # the per-person caps are checked on every turn, but never reached here


def time_store(reads: list[float], writes: list[float]) -> None:
    """Wrap SqliteDatabase's reads and writes so that each one's latency lands in its list."""

    def timed(name: str, into: list[float]) -> None:
        original = getattr(SqliteDatabase, name)

        async def wrapper(self: SqliteDatabase, *args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(self, *args, **kwargs)
            finally:
                into.append(time.perf_counter() - started)

        setattr(SqliteDatabase, name, wrapper)

    for name in ("read", "read_now"):
        timed(name, reads)
    for name in ("write", "write_then_read"):
        timed(name, writes)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


async def run(args: argparse.Namespace) -> None:
    connector = Connector()
    connector_server = TestServer(make_app(connector), host="127.0.0.1")
    await connector_server.start_server()
    reads: list[float] = []
    writes: list[float] = []
    if args.time_store:
        time_store(reads, writes)
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            _env_file=None, data_dir=Path(data), outbox_poll_seconds=0, redis_url=args.redis,
            redis_key_prefix=f"bench-clicks-{uuid4().hex[:8]}", admin_ids="29:karin=Karin Holm",
            turns_per_user_minute=UNLIMITED, turns_per_conversation_minute=UNLIMITED,
            intakes_per_user_hour=UNLIMITED,
        )  # fmt: skip
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        services = server.app[SERVICES]
        target = load.Target(
            "bot", str(server.make_url("/api/messages")), True, str(connector_server.make_url("/bot"))
        )
        async with ClientSession() as http:
            await load.link_central_channel(http, target)
            for user in range(args.cases + 1):
                await load.intake(http, target, user)
            await services.worker.run_until_idle()  # the case cards are posted
            threads = [t for t in connector.bots["bot"].threads if isinstance(t["card"], dict)]
            await load.admin_steps(http, target, threads[0], load.Clicks())  # warm-up, not counted
            if args.outbox:
                services.worker.start()
            clicks, reads[:], writes[:] = load.Clicks(), [], []
            bot = connector.bots["bot"]
            calls_before = bot.sent + bot.updated
            profile = cProfile.Profile() if args.profile else None
            cpu = time.process_time()
            if profile is not None:
                profile.enable()
            await load.invoke_round(http, target, threads[1:], args.concurrency, clicks)
            if profile is not None:
                profile.disable()
            if args.outbox:  # what the clicks queued and the worker has not done yet, done now
                await services.worker.stop()
                await services.worker.run_until_idle()
            cpu = time.process_time() - cpu
            calls = bot.sent + bot.updated - calls_before
        await server.close()
    await connector_server.close()
    latencies = clicks.latencies
    print(
        f"{settings.storage_backend}: {len(latencies)} clicks at concurrency {args.concurrency}, outbox "
        f"{'on' if args.outbox else 'off'}: p50 {percentile(latencies, 0.5):.2f} ms, "
        f"p90 {percentile(latencies, 0.9):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms, "
        f"CPU per click (client included) {cpu / len(latencies) * 1000:.2f} ms"
    )
    if args.outbox:
        print(f"connector calls (sends and updates) per click: {calls / len(latencies):.2f}")
    for kind, times in (("reads", reads), ("writes", writes)):
        if times:
            print(
                f"store {kind}: {len(times)}, mean {statistics.fmean(times) * 1000:.2f} ms, "
                f"p50 {percentile(times, 0.5):.2f} ms, p90 {percentile(times, 0.9):.2f} ms, "
                f"p99 {percentile(times, 0.99):.2f} ms"
            )
    if profile is not None:
        pstats.Stats(profile).sort_stats(args.profile).print_stats(40)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--redis", default="", help="redis://… for the Redis store (else the embedded one)")
    parser.add_argument("--cases", type=int, default=30, help="cases clicked through (5 clicks each)")
    parser.add_argument("--concurrency", type=int, default=1, help="cards clicked at once")
    parser.add_argument("--outbox", action="store_true", help="run the outbox worker while clicking")
    parser.add_argument("--time-store", action="store_true", help="time each embedded-store read and write")
    parser.add_argument("--profile", choices=["tottime", "cumulative"], help="cProfile the clicks")
    asyncio.run(run(parser.parse_args()))
