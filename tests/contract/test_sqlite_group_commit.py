"""Group commit in the embedded store: shared commits, but each write keeps its own outcome."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from adapters.sqlite_db import SqliteDatabase
from adapters.sqlite_group_commit import (
    GroupCommit,
    ThenRead,
    Write,
    commit_batch,
    commit_or_redo,
    write_without_waiting,
)
from domain.ports import StoreUnavailable, VersionConflict


def _connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
    return conn


def _insert(key: str, value: int) -> Write:
    return lambda conn: conn.execute("INSERT INTO t VALUES (?, ?)", (key, value)).rowcount


def _conflicting(key: str) -> Write:
    def write(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO t VALUES (?, 0)", (key,))
        raise VersionConflict("stale")  # after a change: the savepoint must undo it

    return write


def _rows(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT k, v FROM t").fetchall())


def test_a_failing_write_is_undone_alone_and_the_rest_commit_together(tmp_path: Path) -> None:
    conn = _connection(tmp_path / "a.sqlite3")
    commits: list[str] = []
    conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    outcomes = commit_batch(conn, [_insert("a", 1), _conflicting("b"), _insert("c", 3)])
    assert [ok for ok, _ in outcomes] == [True, False, True]
    assert isinstance(outcomes[1][1], VersionConflict)
    assert _rows(conn) == {"a": 1, "c": 3}
    assert commits == ["COMMIT"]


def test_an_engine_error_in_a_batch_reruns_each_write_alone(tmp_path: Path) -> None:
    conn = _connection(tmp_path / "b.sqlite3")
    conn.execute("INSERT INTO t VALUES ('dup', 0)")
    outcomes = commit_batch(conn, [_insert("a", 1), _insert("dup", 2), _insert("c", 3)])
    assert [ok for ok, _ in outcomes] == [True, False, True]
    assert isinstance(outcomes[1][1], sqlite3.IntegrityError)
    assert _rows(conn) == {"dup": 0, "a": 1, "c": 3}
    assert not conn.in_transaction


def test_a_later_write_in_a_batch_sees_the_earlier_ones(tmp_path: Path) -> None:
    conn = _connection(tmp_path / "c.sqlite3")
    bump: Write = lambda c: c.execute("UPDATE t SET v = v + 1 WHERE k = 'a'").rowcount  # noqa: E731
    assert commit_batch(conn, [_insert("a", 1), bump, bump]) == [(True, 1), (True, 1), (True, 1)]
    assert _rows(conn) == {"a": 3}


def test_a_read_after_a_write_runs_once_the_commit_is_done_and_only_for_a_write_that_held(
    tmp_path: Path,
) -> None:
    conn = _connection(tmp_path / "r.sqlite3")
    seen: list[tuple[bool, dict[str, int]]] = []

    def read(c: sqlite3.Connection, written: int) -> dict[str, int]:
        seen.append((c.in_transaction, _rows(c)))
        return {"written": written}

    outcomes = commit_batch(
        conn,
        [ThenRead(_insert("a", 1), read), ThenRead(_conflicting("b"), read), _insert("c", 3)],
    )
    assert outcomes[0] == (True, (1, {"written": 1}))
    assert not outcomes[1][0] and isinstance(outcomes[1][1], VersionConflict)
    assert outcomes[2] == (True, 1)
    # one read, outside any transaction, after the whole batch was committed
    assert seen == [(False, {"a": 1, "c": 3})]
    alone = commit_batch(conn, [ThenRead(_insert("d", 4), lambda c, n: n * 10)])
    assert alone == [(True, (1, 10))]


async def test_writes_waiting_for_a_commit_share_the_next_one(tmp_path: Path) -> None:
    conn = _connection(tmp_path / "d.sqlite3")
    batches: list[int] = []

    async def run_batch(fns: list[Write]) -> list[tuple[bool, object]]:
        batches.append(len(fns))
        await asyncio.sleep(0.01)  # the commit's fsync
        return commit_batch(conn, fns)

    group = GroupCommit(run_batch)
    results = await asyncio.gather(*(group.write(_insert(f"k{n}", n)) for n in range(50)))
    assert results == [1] * 50 and sum(batches) == 50
    assert len(batches) < 5  # not one commit per write
    assert _rows(conn) == {f"k{n}": n for n in range(50)}


async def test_the_store_answers_each_concurrent_writer_with_its_own_outcome(db: SqliteDatabase) -> None:
    writes = [_conflicting(f"x{n}") if n % 7 == 3 else _insert(f"k{n}", n) for n in range(40)]
    outcomes = await asyncio.gather(*(db.write(w) for w in writes), return_exceptions=True)
    for n, outcome in enumerate(outcomes):
        if n % 7 == 3:
            assert isinstance(outcome, VersionConflict)
        else:
            assert outcome == 1
    rows = await db.read(_rows)
    assert rows == {f"k{n}": n for n in range(40) if n % 7 != 3}


async def test_writes_accepted_before_close_are_committed(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "close.sqlite3")
    await db.write(lambda conn: conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"))
    pending = [asyncio.ensure_future(db.write(_insert(f"k{n}", n))) for n in range(10)]
    await asyncio.sleep(0)
    await db.close()
    assert await asyncio.gather(*pending) == [1] * 10
    with closing(sqlite3.connect(tmp_path / "close.sqlite3")) as conn:
        assert len(_rows(conn)) == 10


async def test_close_ends_in_bounded_time_while_a_caller_keeps_writing(tmp_path: Path) -> None:
    db = await SqliteDatabase.open(tmp_path / "busy.sqlite3")
    await db.write(lambda conn: conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"))
    written: list[int] = []

    async def keeps_writing() -> None:  # as a job that ignored its cancellation would
        for n in itertools.count():
            written.append(await db.write(_insert(f"k{n}", n)))

    writer = asyncio.create_task(keeps_writing())
    while len(written) < 5:
        await asyncio.sleep(0.01)
    started = time.monotonic()
    await db.close(drain_timeout=0.5)
    assert time.monotonic() - started < 5
    with pytest.raises(StoreUnavailable):
        async with asyncio.timeout(5):
            await writer


@pytest.mark.parametrize("size", [1, 2])
def test_a_batch_of_any_size_leaves_no_transaction_open(tmp_path: Path, size: int) -> None:
    conn = _connection(tmp_path / f"e{size}.sqlite3")
    commit_batch(conn, [_insert(f"k{n}", n) for n in range(size)])
    assert not conn.in_transaction


async def test_a_batch_runs_its_statements_on_the_event_loop_and_commits_on_the_writers_thread(
    db: SqliteDatabase,
) -> None:
    """sqlite3 hands the GIL over around every statement; on a thread each handover could wait
    for the busy event loop. Only the COMMIT, which waits for the disk, leaves the loop."""
    ran: list[tuple[str, str]] = []

    def traced(conn: sqlite3.Connection) -> int:
        conn.set_trace_callback(lambda sql: ran.append((sql.split()[0], threading.current_thread().name)))
        return int(conn.execute("INSERT INTO t VALUES ('a', 1)").rowcount)

    assert list(await asyncio.gather(db.write(traced), db.write(_insert("b", 2)))) == [1, 1]
    main = threading.main_thread().name
    assert ("INSERT", main) in ran
    assert [thread for sql, thread in ran if sql == "COMMIT"] == ["sqlite-store_0"]
    assert {thread for sql, thread in ran if sql != "COMMIT"} == {main}
    assert await db.read(_rows) == {"a": 1, "b": 2}


async def test_a_batch_in_which_no_write_holds_commits_nothing(db: SqliteDatabase) -> None:
    statements: list[str] = []

    def traced_conflict(conn: sqlite3.Connection) -> None:
        conn.set_trace_callback(statements.append)
        _conflicting("a")(conn)

    outcomes = await asyncio.gather(
        db.write(traced_conflict), db.write(_conflicting("b")), return_exceptions=True
    )
    assert all(isinstance(outcome, VersionConflict) for outcome in outcomes)
    assert "COMMIT" not in statements and "ROLLBACK" in statements  # no fsync for nothing
    assert await db.read(_rows) == {}


async def test_an_engine_error_in_a_batch_on_the_loop_reruns_each_write_alone(db: SqliteDatabase) -> None:
    await db.write(_insert("dup", 0))
    outcomes = await asyncio.gather(
        db.write(_insert("a", 1)),
        db.write(_insert("dup", 2)),
        db.write(_insert("c", 3)),
        return_exceptions=True,
    )
    assert outcomes[0] == 1 and outcomes[2] == 1
    assert isinstance(outcomes[1], sqlite3.IntegrityError)
    assert await db.read(_rows) == {"dup": 0, "a": 1, "c": 3}


def test_a_commit_the_engine_refuses_is_redone_write_by_write(tmp_path: Path) -> None:
    """A COMMIT can fail after every statement held (here a deferred constraint; on a real disk
    an I/O error or a full disk): the batch is rolled back and each write runs alone, so only
    the write at fault fails."""
    conn = _connection(tmp_path / "f.sqlite3")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE child (k TEXT REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)")
    orphan: Write = lambda c: c.execute("INSERT INTO child VALUES ('nobody')").rowcount  # noqa: E731
    fns = [_insert("a", 1), orphan, _insert("c", 3)]
    outcomes = write_without_waiting(conn, fns, busy_timeout_ms=5000)
    assert outcomes == [(True, 1), (True, 1), (True, 1)] and conn.in_transaction
    redone = commit_or_redo(conn, fns)
    assert redone is not None and [ok for ok, _ in redone] == [True, False, True]
    assert isinstance(redone[1][1], sqlite3.IntegrityError)
    assert _rows(conn) == {"a": 1, "c": 3} and not conn.in_transaction


def test_a_batch_does_not_wait_on_the_loop_for_another_processs_lock(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite3"
    conn = _connection(path)
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        assert write_without_waiting(conn, [_insert("a", 1)], busy_timeout_ms=5000) is None
        assert time.monotonic() - started < 1  # not the busy timeout: that wait is the thread's
        other.execute("ROLLBACK")
    assert not conn.in_transaction
    ((timeout,),) = conn.execute("PRAGMA busy_timeout")
    assert timeout == 5000  # put back for the thread's commit_batch


async def test_a_batch_that_changed_no_row_commits_on_the_event_loop(db: SqliteDatabase) -> None:
    """An outbox claim that found nothing due, an activity already seen: the COMMIT writes
    nothing to the WAL, so there is nothing to wait for on the writer's thread."""
    await db.write(_insert("a", 1))
    ran: list[tuple[str, str]] = []

    def again(conn: sqlite3.Connection) -> int:
        conn.set_trace_callback(lambda sql: ran.append((sql.split()[0], threading.current_thread().name)))
        return int(conn.execute("INSERT INTO t VALUES ('a', 2) ON CONFLICT (k) DO NOTHING").rowcount)

    assert await db.write(again) == 0
    assert ("COMMIT", threading.main_thread().name) in ran
    assert await db.write(_insert("b", 2)) == 1  # a change still commits on the writer's thread
    assert ("COMMIT", "sqlite-store_0") in ran
    assert await db.read(_rows) == {"a": 1, "b": 2}
