"""The embedded store's read connections: reads beside the writer, on the event loop or a thread.

The writer's thread spends most of its time waiting for a COMMIT's fsync (synchronous = FULL,
0.4–3 ms a batch, sqlite_group_commit.py). A read queued on that thread waited for whatever commit
was on disk, so a click that reads its case and the roster waited for other clicks' and the
outbox's commits. In WAL mode other connections read beside the writer: they never take the
write lock, and the writer never waits for it (a checkpoint only stops at the oldest snapshot in
use, and waits for it under busy_timeout when it must truncate).

What a read sees:
- A read that starts after a write was acknowledged sees it: the write's caller is answered only
  after its COMMIT returned, and a new read transaction in WAL mode starts from the newest
  commit in the WAL index (shared memory, so this holds across processes too).
- One statement is one snapshot. A read function whose statements must agree (`SqliteCases.idle`'s
  count and page) asks for `snapshot=True`: one read transaction (BEGIN … COMMIT) around them, as
  the writer may commit between them now. Not for every read: each statement hands the GIL over
  and back, and on a busy event loop each handover can wait for the switch interval.
- `PRAGMA query_only`: a write sent here by mistake fails (SQLITE_READONLY → StoreUnavailable)
  instead of slipping past group commit and its BEGIN IMMEDIATE.

Two connections, for two kinds of read. A read by key (`read_now`: a case, a few documents) takes
microseconds from the page cache, less than a hop to a thread and back, and on a thread every
statement hands the GIL over and back: under four clicks at a time such reads took p50 0.4 ms,
p90 2.7 ms, on the event loop 0.03 / 0.05 ms (bench/README.md). So they run on the loop, on a
connection that never waits: its busy timeout is 0, and the rare read that finds the file busy
(a WAL being recovered) runs again on the thread, which may wait. A scan, whose time grows with
the data (lists, statistics, exports), runs on the thread (`read`) and never holds up the loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from adapters.sqlite_group_commit import unavailable
from domain.ports import StoreUnavailable

R = TypeVar("R")


class SqliteReader:
    """One query_only connection on one thread. Open it after the writer created the schema."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-reader")
        self._conn: sqlite3.Connection | None = None  # the thread's
        self._loop_conn: sqlite3.Connection | None = None  # the event loop's
        self._closed = False

    async def open(self) -> None:
        self._conn = await self._run(lambda: _connect(self._path, self._busy_timeout))
        try:
            self._loop_conn = await self._run(lambda: _connect(self._path, 0, check_same_thread=False))
        except BaseException:
            await self.close()
            raise

    def _call(
        self, conn: sqlite3.Connection | None, fn: Callable[[sqlite3.Connection], R], snapshot: bool
    ) -> R:
        if conn is None:
            raise StoreUnavailable("sqlite store is closed")
        if snapshot:
            conn.execute("BEGIN")  # DEFERRED: the snapshot is taken at the first SELECT
        try:
            result = fn(conn)
        except BaseException as exc:
            # A cursor `fn` left unfinished keeps its snapshot open, even past a ROLLBACK (SQLite
            # lets pending reads go on), so every later read here would see the data of then.
            # The cursor lives in fn's frame, which the exception's traceback holds on to.
            traceback.clear_frames(exc.__traceback__)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        if snapshot:
            conn.execute("COMMIT")
        return result

    async def _run(self, fn: Callable[[], R]) -> R:
        if self._closed:
            raise StoreUnavailable("sqlite store is closed")
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn)
        except sqlite3.OperationalError as exc:
            raise unavailable(exc) from exc

    async def read(self, fn: Callable[[sqlite3.Connection], R], snapshot: bool = False) -> R:
        """Run `fn` on the reader's thread; `snapshot`: all its statements see one snapshot."""
        return await self._run(lambda: self._call(self._conn, fn, snapshot))

    async def read_now(self, fn: Callable[[sqlite3.Connection], R], snapshot: bool = False) -> R:
        """Run `fn` here on the event loop, without waiting; if SQLite would have had it wait,
        on the thread instead."""
        if self._closed:
            raise StoreUnavailable("sqlite store is closed")
        try:
            return self._call(self._loop_conn, fn, snapshot)
        except sqlite3.OperationalError:  # busy (never waited for here), or worse: the thread says
            return await self.read(fn, snapshot)

    async def close(self) -> None:
        """After the reads already on the thread; later reads raise StoreUnavailable."""

        def close_connection() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        if self._closed:
            return
        if self._loop_conn is not None:  # here, so that no read_now can be using it meanwhile
            self._loop_conn.close()
            self._loop_conn = None
        try:
            await self._run(close_connection)
        finally:
            self._closed = True
            self._executor.shutdown(wait=True)


def _connect(path: Path, busy_timeout: float, check_same_thread: bool = True) -> sqlite3.Connection:
    # Its page cache is SQLite's default (cache_size -2000: up to 2 MiB, filled as pages are read).
    conn = sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=check_same_thread
    )
    try:
        conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn
