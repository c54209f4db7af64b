"""Reads in the embedded store run on a connection of their own, beside the writer: they do not
wait for a commit on disk, yet see every acknowledged write, one snapshot per read, and never write."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from adapters.sqlite_db import SqliteDatabase
from domain.ports import StoreUnavailable

GUARD = 10.0  # seconds: only so that a broken reader fails the test instead of hanging it


def _count(conn: sqlite3.Connection) -> int:
    ((n,),) = conn.execute("SELECT count(*) FROM t")
    return int(n)


async def _wait_for(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, GUARD), "the store's thread never got there"


@contextmanager
def another_process_writing(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process on the file, in the middle of a write transaction: while it lasts, a
    batch of ours waits for the write lock on the writer's thread (under busy_timeout)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES ('theirs', 1)")
        try:
            yield other
        finally:
            if other.in_transaction:
                other.execute("COMMIT")


async def test_reads_are_answered_while_the_writer_waits_for_the_write_lock(db: SqliteDatabase) -> None:
    with another_process_writing(db.path):
        write = asyncio.create_task(db.write(_insert(1)))
        await asyncio.sleep(0.2)
        assert not write.done()  # waiting for the lock, on the writer's thread, not on the loop
        async with asyncio.timeout(GUARD):  # answered now, without anyone's uncommitted row
            assert await db.read(_count) == 0
            assert await db.read_now(_count) == 0
    assert await asyncio.wait_for(write, GUARD) is not None
    assert await db.read_now(_count) == await db.read(_count) == 2


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


async def test_a_ping_waits_for_a_writer_that_cannot_write(db: SqliteDatabase) -> None:
    """/readyz must not say ready while writes cannot go through."""
    with another_process_writing(db.path):
        write = asyncio.create_task(db.write(_insert(1)))
        await asyncio.sleep(0.1)
        ping = asyncio.create_task(db.ping())
        assert await db.read_now(_count) == 0  # the readers answer meanwhile
        await asyncio.sleep(0.2)
        assert not ping.done()  # but the ping waits for the writer
    await asyncio.wait_for(ping, GUARD)
    assert await asyncio.wait_for(write, GUARD) is not None


async def test_a_read_by_key_sees_what_a_read_on_the_thread_sees(db: SqliteDatabase) -> None:
    for n in range(1, 21):
        await db.write(_insert(n))
        assert await db.read_now(_count) == n
    assert await db.read_now(lambda conn: threading.current_thread()) is threading.main_thread()
    with pytest.raises(StoreUnavailable, match="readonly"):
        await db.read_now(lambda conn: conn.execute("INSERT INTO t VALUES ('sneaky', 1)"))


async def test_a_read_by_key_that_would_wait_runs_on_the_thread_instead(db: SqliteDatabase) -> None:
    """The event loop's connection never waits (busy timeout 0); what SQLite refuses it as busy
    (as while a WAL is recovered) is asked again on the reader's thread, which may wait."""
    ran_on: list[str] = []

    def busy_on_the_loop(conn: sqlite3.Connection) -> int:
        ran_on.append(threading.current_thread().name)
        if threading.current_thread() is threading.main_thread():
            raise sqlite3.OperationalError("database is locked")
        return _count(conn)

    assert await db.read_now(busy_on_the_loop) == 0
    assert ran_on[0] == threading.main_thread().name and ran_on[1].startswith("sqlite-reader")
