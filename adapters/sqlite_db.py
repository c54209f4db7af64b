"""Two SQLite connections, each on its own worker thread: the embedded store's engine room.

sqlite3 blocks, so every call runs on a dedicated single-thread executor and the event loop never
waits on the disk. The writer's thread does every write, the schema, the one-time VACUUM and the
WAL checkpoints, so there is one writing connection and no locking inside the process; writes
that arrive while a commit is on disk share the next commit (sqlite_group_commit.py). Reads run
on a query_only connection on a second thread (sqlite_reader.py), so they do not wait for that
commit's fsync. Across processes WAL mode lets readers run beside a writer, and every write
transaction starts with BEGIN IMMEDIATE, so two processes on one file take turns instead of
deadlocking or double-claiming; the reader never takes the write lock, so it adds no turn-taking.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from adapters.sqlite_group_commit import GroupCommit, Outcome, ThenRead, Write, commit_batch, unavailable
from adapters.sqlite_reader import SqliteReader
from adapters.sqlite_schema import create_schema
from domain.ports import StoreUnavailable

log = logging.getLogger(__name__)

R = TypeVar("R")
S = TypeVar("S")

_VACUUMED = "secure-delete-vacuum"  # counters row: the one-time rebuild has run


class SqliteDatabase:
    """Runs writes on the writer's connection and thread, reads on the reader's; maps
    OperationalError (locked past busy_timeout, disk I/O, disk full, unreadable file) to
    StoreUnavailable."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self._busy_timeout = busy_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._group = GroupCommit(self._commit)
        self._reader = SqliteReader(path, busy_timeout)

    @classmethod
    async def open(cls, path: Path, busy_timeout: float = 5.0) -> SqliteDatabase:
        db = cls(path, busy_timeout)
        try:
            await db._run(db._connect)
            await db._reader.open()  # after the schema exists: it is never created from here
        except BaseException:
            await db.close()
            raise
        return db

    def _connect(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit the bot has acknowledged survives a power cut, not just a crash.
            conn.execute("PRAGMA synchronous = FULL")
            # A purge must leave no copy of a Patient ID in free space: deleted and overwritten
            # content is zeroed on the page (domain/retention.py, docs/PRIVACY.md).
            conn.execute("PRAGMA secure_delete = ON")
            self._conn = conn
            self._transaction(create_schema)
            self._vacuum_once(conn)
        except BaseException:
            self._conn = None
            conn.close()
            raise
        log.info("sqlite store open at %s", self.path)

    def _vacuum_once(self, conn: sqlite3.Connection) -> None:
        """A file written before secure_delete was on may hold old values in free pages: rebuild
        it once so that a purge is final in the bytes there too."""
        if conn.execute("SELECT 1 FROM counters WHERE name = ?", (_VACUUMED,)).fetchone():
            return
        try:
            conn.execute("VACUUM")
        except sqlite3.OperationalError as busy:  # another process has the file open right now
            log.warning("one-time VACUUM for secure_delete postponed to the next start: %s", busy)
            return
        conn.execute("INSERT OR IGNORE INTO counters (name, value) VALUES (?, 1)", (_VACUUMED,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("sqlite store is closed")
        return self._conn

    def _transaction(self, fn: Callable[[sqlite3.Connection], R]) -> R:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlocks later
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # I/O errors may already have rolled it back
                conn.execute("ROLLBACK")
            raise
        return result

    async def _run(self, fn: Callable[[], R]) -> R:
        if self._closed:
            raise StoreUnavailable("sqlite store is closed")
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, fn)
        except sqlite3.OperationalError as exc:
            raise unavailable(exc) from exc

    async def read(self, fn: Callable[[sqlite3.Connection], R], *, snapshot: bool = False) -> R:
        """Run `fn` on the reader: it sees every write acknowledged before it started, and does
        not wait for a commit on disk. Each statement sees one snapshot; `snapshot=True` when
        several statements of `fn` must agree (the writer may commit between them)."""
        return await self._reader.read(fn, snapshot)

    async def ping(self) -> None:
        """Both connections answer. The writer's thread too: reads no longer pass through it, so
        without this a writer stuck on the disk would leave /readyz saying ready."""
        await asyncio.gather(self.read(_schema_rows), self._run(lambda: _schema_rows(self._connection())))

    async def checkpoint(self) -> bool:
        """`_truncate_wal` on the writer's connection (the reader is query_only)."""
        return await self._run(lambda: _truncate_wal(self._connection()))

    async def write(self, fn: Callable[[sqlite3.Connection], R]) -> R:
        """Run `fn` as one BEGIN IMMEDIATE transaction would (any exception rolls back all of
        `fn`'s changes); returns once the commit holding it is durable (group commit)."""
        result: R = await self._group.write(fn)
        return result

    async def write_then_read(
        self, fn: Callable[[sqlite3.Connection], R], read: Callable[[sqlite3.Connection, R], S]
    ) -> tuple[R, S]:
        """`write(fn)`, then `read(conn, fn's result)` once its commit is durable, in one hop to
        the store thread (see ThenRead)."""
        result: tuple[R, S] = await self._group.write(ThenRead(fn, read))
        return result

    async def _commit(self, fns: list[Write]) -> list[Outcome]:
        return await self._run(lambda: commit_batch(self._connection(), fns))

    async def close(self, drain_timeout: float = 10.0) -> None:
        """Commit the writes already accepted and close, in bounded time: a caller that keeps
        writing (a job that ignored its cancellation) gets StoreUnavailable after `drain_timeout`.
        The reader closes first: the writer, which owns the file's writing, is then the last
        connection, and its close folds the WAL into the file and removes it."""

        def close_connection() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        if self._closed:
            return
        try:
            try:
                async with asyncio.timeout(drain_timeout):
                    await self._group.drain()  # writes already accepted still commit
            except TimeoutError:
                log.error("sqlite store: writes still arriving %.0f s into close; closing", drain_timeout)
            try:
                await self._reader.close()  # after the reads on its thread now, if any
            finally:
                await self._run(close_connection)  # after the batch on the thread now, if any
        finally:
            self._closed = True
            self._executor.shutdown(wait=True)


def _schema_rows(conn: sqlite3.Connection) -> int:
    ((n,),) = conn.execute("SELECT count(*) FROM sqlite_master")
    return int(n)


def _truncate_wal(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to zero bytes, so overwritten pages do not
    linger in the WAL. False when a reader kept part of it past busy_timeout (retry later)."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy
