"""Reads in the embedded store run on a connection of their own, beside the writer: they do not
wait for a commit on disk, yet see every acknowledged write, one snapshot per read, and never write."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.sqlite_db import SqliteDatabase
from domain.ports import StoreUnavailable

GUARD = 10.0  # seconds: only so that a broken reader fails the test instead of hanging it


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    db = await SqliteDatabase.open(tmp_path / "reader.sqlite3")
    await db.write(lambda conn: conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"))
    yield db
    await db.close()


def _count(conn: sqlite3.Connection) -> int:
    ((n,),) = conn.execute("SELECT count(*) FROM t")
    return int(n)


async def _wait_for(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, GUARD), "the store's thread never got there"


async def test_a_read_is_answered_while_a_write_batch_holds_the_writer(db: SqliteDatabase) -> None:
    writing, release = threading.Event(), threading.Event()

    def slow_write(conn: sqlite3.Connection) -> int:
        conn.execute("INSERT INTO t VALUES ('held', 1)")
        writing.set()
        release.wait(GUARD)  # the writer's thread stays here until the test has seen a read done
        return 1

    write = asyncio.create_task(db.write(slow_write))
    try:
        await _wait_for(writing)
        async with asyncio.timeout(GUARD):
            assert await db.read(_count) == 0  # answered now, and without the uncommitted row
    finally:
        release.set()
    assert await write == 1
    assert await db.read(_count) == 1


def _insert(n: int) -> Callable[[sqlite3.Connection], object]:
    return lambda conn: conn.execute("INSERT INTO t VALUES (?, ?)", (f"k{n}", n))


def _set_all(n: int) -> Callable[[sqlite3.Connection], object]:
    return lambda conn: conn.execute("UPDATE t SET v = ?", (n,))


async def test_a_read_after_an_acknowledged_write_sees_it(db: SqliteDatabase) -> None:
    for n in range(1, 31):
        await db.write(_insert(n))
        assert await db.read(_count) == n
    await asyncio.gather(*(db.write(_set_all(n)) for n in range(20)))  # one batch or a few
    assert await db.read(lambda conn: conn.execute("SELECT DISTINCT v FROM t").fetchall()) == [(19,)]


async def test_all_statements_of_a_snapshot_read_see_one_snapshot(db: SqliteDatabase) -> None:
    first_done, committed = threading.Event(), threading.Event()

    def read_twice(conn: sqlite3.Connection) -> tuple[int, int]:
        before = _count(conn)
        first_done.set()
        committed.wait(GUARD)  # a write commits between the two statements
        return before, _count(conn)

    read = asyncio.create_task(db.read(read_twice, snapshot=True))
    try:
        await _wait_for(first_done)
        await db.write(lambda conn: conn.execute("INSERT INTO t VALUES ('between', 1)"))
    finally:
        committed.set()
    assert await read == (0, 0)
    assert await db.read(_count) == 1  # the next read starts from the newest commit


async def test_a_failed_read_leaves_no_old_snapshot_behind(db: SqliteDatabase) -> None:
    await db.write(lambda conn: conn.executemany("INSERT INTO t VALUES (?, 0)", [("a",), ("b",)]))

    def fails_midway(conn: sqlite3.Connection) -> None:
        rows = conn.execute("SELECT k FROM t")
        rows.fetchone()  # a cursor not read to its end keeps its snapshot open while it lives
        raise ValueError("a bug in the read")

    with pytest.raises(ValueError) as failed:
        await db.read(fails_midway)
    await db.write(lambda conn: conn.execute("INSERT INTO t VALUES ('c', 0)"))
    assert await db.read(_count) == 3
    assert failed.value is not None  # the exception (and its traceback) is still alive here


async def test_the_reader_cannot_write(db: SqliteDatabase) -> None:
    with pytest.raises(StoreUnavailable, match="readonly"):
        await db.read(lambda conn: conn.execute("INSERT INTO t VALUES ('sneaky', 1)"))
    assert await db.read(_count) == 0
    assert await db.write(lambda conn: conn.execute("INSERT INTO t VALUES ('k', 1)").rowcount) == 1


async def test_a_read_in_flight_at_close_is_answered_and_later_reads_are_unavailable(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "closing.sqlite3")
    reading, release = threading.Event(), threading.Event()

    def slow_read(conn: sqlite3.Connection) -> int:
        reading.set()
        release.wait(GUARD)
        return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])

    read = asyncio.create_task(db.read(slow_read))
    await _wait_for(reading)
    closing = asyncio.create_task(db.close())
    await asyncio.sleep(0)
    release.set()
    await closing
    assert await read >= 0
    with pytest.raises(StoreUnavailable):
        await db.read(lambda conn: conn.execute("SELECT 1").fetchone())
    assert not (tmp_path / "closing.sqlite3-wal").exists()  # both closed: WAL folded in


async def test_a_ping_waits_for_a_writer_stuck_on_the_disk(db: SqliteDatabase) -> None:
    """/readyz must not say ready while writes cannot go through."""
    writing, release = threading.Event(), threading.Event()

    def stuck_write(conn: sqlite3.Connection) -> int:
        writing.set()
        release.wait(GUARD)
        return 1

    write = asyncio.create_task(db.write(stuck_write))
    try:
        await _wait_for(writing)
        ping = asyncio.create_task(db.ping())
        assert await db.read(_count) == 0  # the reader answers meanwhile
        await asyncio.sleep(0.2)
        assert not ping.done()  # but the ping waits for the writer
    finally:
        release.set()
    await asyncio.wait_for(ping, GUARD)
    assert await write == 1
