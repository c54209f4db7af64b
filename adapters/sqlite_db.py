"""The embedded store's engine room: one writing connection, and readers beside it.

The event loop never waits on the disk; what waits runs on a thread. The writer's connection
does every write: a batch's statements run on the event loop (they only touch the page cache,
and the write lock is tried without waiting), its COMMIT, the fsync, on the writer's thread
(sqlite_group_commit.py). That thread also does the schema, the one-time VACUUM, the WAL
checkpoints, and a whole batch when another process holds the write lock. One writing connection
means no locking inside the process; writes that arrive while a commit is on disk share the next
commit. `asyncio.Lock` `_writer` keeps the loop and the thread from using the connection at once.

Reads run on query_only connections (sqlite_reader.py): a read by key on the event loop, a scan on
the reader's thread; neither waits for a commit's fsync. Across processes WAL mode lets readers
run beside a writer, and every write transaction starts with BEGIN IMMEDIATE, so two processes on
one file take turns instead of deadlocking or double-claiming; readers never take the write lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from adapters.sqlite_group_commit import (
    GroupCommit,
    Outcome,
    ThenRead,
    Write,
    after_commit,
    commit_batch,
    commit_or_redo,
    unavailable,
    write_without_waiting,
)
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
        self._writer = asyncio.Lock()  # the connection is used by one side at a time
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
        # Used from the event loop and the writer's thread, never both at once (`_writer`).
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
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
        """Run `fn` on the reader's thread: it sees every write acknowledged before it started,
        and does not wait for a commit on disk. Each statement sees one snapshot; `snapshot=True`
        when several statements of `fn` must agree (the writer may commit between them)."""
        return await self._reader.read(fn, snapshot)

    async def read_now(self, fn: Callable[[sqlite3.Connection], R], *, snapshot: bool = False) -> R:
        """`read`, but on the event loop: for reads by key, a few rows, microseconds (a case, a
        few documents), where a hop to a thread and back cost more than the read. Sees the same
        data as `read`. A scan, whose length grows with the data, belongs in `read`."""
        return await self._reader.read_now(fn, snapshot)

    async def ping(self) -> None:
        """Every connection answers. The writer's thread too: reads do not pass through it, so
        without this a writer stuck on the disk would leave /readyz saying ready."""
        await asyncio.gather(
            self.read(_schema_rows), self.read_now(_schema_rows), self._on_writer(_schema_rows)
        )

    async def checkpoint(self) -> bool:
        """`_truncate_wal` on the writer's connection (the readers are query_only)."""
        return await self._on_writer(_truncate_wal)

    async def _on_writer(self, fn: Callable[[sqlite3.Connection], R]) -> R:
        """`fn` on the writer's connection and thread, once no batch is using it."""
        async with self._writer:
            return await self._run(lambda: fn(self._connection()))

    async def write(self, fn: Callable[[sqlite3.Connection], R]) -> R:
        """Run `fn` as one BEGIN IMMEDIATE transaction would (any exception rolls back all of
        `fn`'s changes); returns once the commit holding it is durable (group commit). `fn` runs
        on the event loop: statements by key or bounded ones (every write of the stores is), as a
        long one would hold up every turn meanwhile."""
        result: R = await self._group.write(fn)
        return result

    async def write_then_read(
        self, fn: Callable[[sqlite3.Connection], R], read: Callable[[sqlite3.Connection, R], S]
    ) -> tuple[R, S]:
        """`write(fn)`, then `read(conn, fn's result)` on the writer's connection once its
        commit is durable, before this one wait ends (see ThenRead)."""
        result: tuple[R, S] = await self._group.write(ThenRead(fn, read))
        return result

    async def _commit(self, fns: list[Write]) -> list[Outcome]:
        """One batch: its statements here on the loop, its COMMIT on the writer's thread; all of
        it there when the write lock is taken or the engine failed (see sqlite_group_commit)."""
        async with self._writer:
            conn = self._connection()  # StoreUnavailable once closed
            outcomes = write_without_waiting(conn, fns, round(self._busy_timeout * 1000))
            if outcomes is None:
                return await self._run(lambda: commit_batch(conn, fns))
            if conn.in_transaction:  # else no write held: rolled back, nothing to make durable
                redone = await self._run(lambda: commit_or_redo(conn, fns))
                if redone is not None:
                    return redone
            return after_commit(conn, fns, outcomes)

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
                async with self._writer:  # after the batch now, if any
                    await self._run(close_connection)
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
