"""Reads beside writes on the embedded store's SqliteDatabase: read latency and CPU per operation.

    .venv/bin/python bench/bench_sqlite_reads.py [--slow-ms 2.5]

For each kind of read (`read`: on the reader's thread; `read_now`: on the event loop), first
5,000 reads alone, then 4 s of 4 writers writing without pause beside 4 readers (each reading,
then sleeping 1 ms). `--slow-ms` makes every COMMIT sleep that long first on the writer's thread,
without the GIL, as an fsync on a slower disk does (this VM's fsync is ~0.4 ms p50).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.sqlite_db import SqliteDatabase  # noqa: E402

SECONDS = 4.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000


def read_one(conn: sqlite3.Connection) -> object:
    return conn.execute("SELECT v FROM t WHERE k = ?", (7,)).fetchone()


def insert(key: int) -> Callable[[sqlite3.Connection], object]:
    return lambda conn: conn.execute("INSERT OR REPLACE INTO t VALUES (?, 'y')", (key,))


def slow_commits(pause: float) -> Callable[[sqlite3.Connection], None]:
    """Every COMMIT on the writer's connection first sleeps `pause` (on the thread it runs on)."""

    def trace(sql: str) -> None:
        if sql == "COMMIT":
            time.sleep(pause)

    return lambda conn: conn.set_trace_callback(trace if pause else None)


async def run(slow: float) -> None:
    sys.setswitchinterval(0.001)  # as App.start does
    for kind in ("read", "read_now"):
        with tempfile.TemporaryDirectory() as folder:
            db = await SqliteDatabase.open(Path(folder) / "reads.sqlite3")
            try:
                await measure(db, kind, slow)
            finally:
                await db.close()


async def measure(db: SqliteDatabase, kind: str, slow: float) -> None:
    read = getattr(db, kind)
    await db.write(lambda c: c.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"))
    rows = [(i, "x" * 200) for i in range(2000)]
    await db.write(lambda c: c.executemany("INSERT INTO t VALUES (?, ?)", rows))
    await db.write(slow_commits(slow))
    for _ in range(500):
        await read(read_one)
    started, cpu = time.perf_counter(), time.process_time()
    alone = 5000
    for _ in range(alone):
        await read(read_one)
    wall_us = (time.perf_counter() - started) / alone * 1e6
    cpu_us = (time.process_time() - cpu) / alone * 1e6
    print(f"{kind}, alone: {wall_us:.0f} µs wall, {cpu_us:.0f} µs CPU per read")
    stop = False
    latencies: list[float] = []
    writes = 0

    async def writer(number: int) -> None:
        nonlocal writes
        i = 0
        while not stop:
            i += 1
            await db.write(insert(number * 10**6 + i))
            writes += 1

    async def reader() -> None:
        while not stop:
            started = time.perf_counter()
            await read(read_one)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.001)

    cpu = time.process_time()
    tasks = [asyncio.create_task(writer(n)) for n in range(4)] + [
        asyncio.create_task(reader()) for _ in range(4)
    ]
    await asyncio.sleep(SECONDS)
    stop = True
    await asyncio.gather(*tasks)
    per_op = (time.process_time() - cpu) * 1e6 / (len(latencies) + writes)
    print(
        f"{kind}, beside 4 writers: {len(latencies)} reads, p50 {percentile(latencies, 0.5):.2f} ms, "
        f"p90 {percentile(latencies, 0.9):.2f} ms, p99 {percentile(latencies, 0.99):.2f} ms; "
        f"{writes} writes in {SECONDS:.0f} s; {per_op:.0f} µs CPU per operation"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--slow-ms", type=float, default=0.0, help="a slower disk's fsync, in ms")
    asyncio.run(run(parser.parse_args().slow_ms / 1000))
