"""Group commit for the embedded store: writes that queue up while a commit is on disk share the
next one.

With `synchronous = FULL` every COMMIT waits for an fsync (2–3 ms on the machines we measured),
and the store has one connection on one thread, so one fsync per write capped the whole bot at a
few hundred writes a second however fast the rest was. Here each queued write runs in its own
SAVEPOINT inside one BEGIN IMMEDIATE … COMMIT, and its caller is answered only after that COMMIT
has returned: an acknowledged write is exactly as durable as before (it survives a process crash
and a power cut), only the fsync is shared.

Semantics stay those of one transaction per write, run in arrival order: a write sees the writes
queued before it, and an exception from a write (a VersionConflict, say) rolls back that write
alone and reaches its caller alone. Should SQLite itself fail inside a batch (I/O error, disk
full, constraint), the batch is rolled back and every write in it runs again in a transaction of
its own, so one bad write never takes the others down with it.

Where each part runs (sqlite_db.py): a batch's statements run on the event loop's thread
(`write_without_waiting`), and only its COMMIT, the fsync, on the writer's thread
(`commit_or_redo`). sqlite3 lets go of the GIL around every statement, so a batch run on a
thread needed the GIL back a dozen times, and while the loop was running Python each time could
wait up to the switch interval: under four clicks at a time a write took p90 4–6 ms for ~0.1 ms
of work. The statements themselves only touch the page cache (microseconds); what may wait on
the loop is nothing: the write lock is tried without waiting, and when another process holds it
the whole batch runs on the writer's thread as before (`commit_batch`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.ports import StoreUnavailable

log = logging.getLogger(__name__)

Write = Callable[[sqlite3.Connection], Any]
Outcome = tuple[bool, Any]  # (True, result) or (False, exception)
# Writes per commit: bounds how long one batch holds the event loop (~0.1 ms a write); 64 writes
# per fsync is still far more than the bot writes while one fsync is on disk.
MAX_BATCH = 64


@dataclass(frozen=True)
class ThenRead:
    """A write whose caller reads next: `read(conn, write's result)` runs on the writer's
    connection right after the COMMIT holding the write, so it sees only durable data, without a
    read of its own to queue. Its outcome is (True, (write's result, read's result)); a failed
    read fails the call, the write stands."""

    write: Write
    read: Callable[[sqlite3.Connection, Any], Any]

    def __call__(self, conn: sqlite3.Connection) -> Any:
        return self.write(conn)


def unavailable(exc: sqlite3.OperationalError) -> StoreUnavailable:
    """What an OperationalError (locked past busy_timeout, disk I/O, disk full) means to a caller."""
    log.warning("sqlite store unavailable: %s", exc)
    failure = StoreUnavailable(f"sqlite unavailable: {exc}")
    failure.__cause__ = exc
    return failure


def _unavailable(exc: sqlite3.OperationalError) -> Outcome:
    return False, unavailable(exc)


def _after_commit(conn: sqlite3.Connection, fn: Write, outcome: Outcome) -> Outcome:
    ok, result = outcome
    if not ok or not isinstance(fn, ThenRead):
        return outcome
    try:
        return True, (result, fn.read(conn, result))
    except sqlite3.OperationalError as exc:
        return _unavailable(exc)
    except Exception as exc:
        return False, exc


def _roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:  # I/O errors may already have rolled it back
        conn.execute("ROLLBACK")


def run_alone(conn: sqlite3.Connection, fn: Write) -> Outcome:
    """`fn` in a BEGIN IMMEDIATE transaction of its own."""
    try:
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlocks later
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            _roll_back(conn)
            raise
    except sqlite3.OperationalError as exc:  # locked past busy_timeout, disk I/O, disk full
        return _unavailable(exc)
    except Exception as exc:
        return False, exc
    return _after_commit(conn, fn, (True, result))


def _in_savepoints(conn: sqlite3.Connection, fns: list[Write]) -> list[Outcome]:
    """Each write in a savepoint of the open transaction: its own exception undoes it alone.
    Raises sqlite3.Error when the engine failed (the caller rolls back and redoes each alone)."""
    outcomes: list[Outcome] = []
    for fn in fns:
        conn.execute("SAVEPOINT one_write")
        try:
            outcomes.append((True, fn(conn)))
        except sqlite3.Error:
            raise  # the engine failed, not the write's own logic
        except Exception as exc:
            conn.execute("ROLLBACK TO one_write")
            outcomes.append((False, exc))
        conn.execute("RELEASE one_write")
    return outcomes


def commit_batch(conn: sqlite3.Connection, fns: list[Write]) -> list[Outcome]:
    """Run `fns` in one transaction, each in a savepoint; one COMMIT (one fsync) for all. All of
    it on the calling thread, waiting for the write lock under busy_timeout."""
    if len(fns) == 1:
        return [run_alone(conn, fns[0])]
    try:
        conn.execute("BEGIN IMMEDIATE")
        outcomes = _in_savepoints(conn, fns)
        conn.execute("COMMIT")
    except sqlite3.Error:
        _roll_back(conn)
        return [run_alone(conn, fn) for fn in fns]
    except BaseException:
        _roll_back(conn)
        raise
    return after_commit(conn, fns, outcomes)


def after_commit(conn: sqlite3.Connection, fns: list[Write], outcomes: list[Outcome]) -> list[Outcome]:
    """The outcomes once the batch is durable, with the reads of its ThenRead writes done."""
    return [_after_commit(conn, fn, outcome) for fn, outcome in zip(fns, outcomes, strict=True)]


def write_without_waiting(
    conn: sqlite3.Connection, fns: list[Write], busy_timeout_ms: int
) -> list[Outcome] | None:
    """The batch's statements, meant for the event loop: BEGIN IMMEDIATE without waiting for the
    lock, then each write in its savepoint. Returns their outcomes with the transaction left open
    for `commit_or_redo`; or closed here when that needs no disk: rolled back when no write held,
    committed when they held but changed no row (an outbox claim that found nothing due, an
    activity already seen: such a COMMIT writes nothing, so it has nothing to fsync). None when
    the lock is taken (another process writes) or the engine failed: nothing is left open, and
    the batch must run as `commit_batch` on the writer's thread, which waits and redoes."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    changes = conn.total_changes  # rows written by this connection so far, triggers included
    try:
        outcomes = _in_savepoints(conn, fns)
    except sqlite3.Error:
        _roll_back(conn)
        return None
    except BaseException:
        _roll_back(conn)
        raise
    if not any(ok for ok, _ in outcomes):
        conn.execute("ROLLBACK")
    elif conn.total_changes == changes:
        conn.execute("COMMIT")
    return outcomes


def commit_or_redo(conn: sqlite3.Connection, fns: list[Write]) -> list[Outcome] | None:
    """On the writer's thread: COMMIT the batch `write_without_waiting` left open (the fsync).
    None when it is durable; should the engine fail the COMMIT (I/O error, disk full), the batch
    is rolled back and each write runs again alone, and those outcomes are returned."""
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        _roll_back(conn)
        return [run_alone(conn, fn) for fn in fns]
    return None


@dataclass
class _Queued:
    fn: Write
    future: asyncio.Future[Any]


class GroupCommit:
    """Queues writes on the event loop; one flush at a time hands the queue to `run_batch`.

    `run_batch` commits a batch (SqliteDatabase._commit; it raises StoreUnavailable when the
    store is closed or unusable, which then reaches every caller of that batch).
    """

    def __init__(self, run_batch: Callable[[list[Write]], Awaitable[list[Outcome]]]) -> None:
        self._run_batch = run_batch
        self._queue: list[_Queued] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, fn: Write) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(fn, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def drain(self) -> None:
        """Wait until every queued write is committed (or failed): for close()."""
        while self._flushing is not None:
            await asyncio.shield(self._flushing)

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                try:
                    outcomes = await self._run_batch([queued.fn for queued in batch])
                except Exception as exc:
                    outcomes = [(False, exc)] * len(batch)
                for queued, (ok, value) in zip(batch, outcomes, strict=True):
                    if queued.future.done():  # its caller was cancelled; the write stands
                        continue
                    if ok:
                        queued.future.set_result(value)
                    else:
                        queued.future.set_exception(value)
        finally:
            self._flushing = None
