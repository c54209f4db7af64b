"""The embedded store's read connection: reads on a thread of their own, beside the writer.

The writer's thread spends most of its time waiting for a COMMIT's fsync (synchronous = FULL,
2–3 ms a batch, sqlite_group_commit.py). A read queued on that thread waited for whatever commit
was on disk, so a click that reads its case and the roster waited for other clicks' and the
outbox's commits. In WAL mode a second connection reads beside the writer: it never takes the
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
        self._conn: sqlite3.Connection | None = None
        self._closed = False

    async def open(self) -> None:
        await self._run(self._connect)

    def _connect(self) -> None:
        # Its page cache is SQLite's default (cache_size -2000: up to 2 MiB, filled as pages are read).
        conn = sqlite3.connect(self._path, timeout=self._busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA query_only = ON")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def _call(self, fn: Callable[[sqlite3.Connection], R], snapshot: bool) -> R:
        if self._conn is None:
            raise StoreUnavailable("sqlite store is closed")
        conn = self._conn
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
        return await self._run(lambda: self._call(fn, snapshot))

    async def close(self) -> None:
        """After the reads already on the thread; later reads raise StoreUnavailable."""

        def close_connection() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        if self._closed:
            return
        try:
            await self._run(close_connection)
        finally:
            self._closed = True
            self._executor.shutdown(wait=True)
