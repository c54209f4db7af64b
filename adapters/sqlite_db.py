"""One SQLite connection on one worker thread: the embedded store's engine room.

sqlite3 blocks, so every call runs on a dedicated single-thread executor and the event loop never
waits on the disk. One thread also means one connection and no locking inside the process; across
processes WAL mode lets readers run beside a writer, and every write transaction starts with
BEGIN IMMEDIATE, so two processes on one file take turns instead of deadlocking or double-claiming.
Writes that arrive while a commit is on disk share the next commit (sqlite_group_commit.py).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from adapters.sqlite_group_commit import GroupCommit, Outcome, ThenRead, Write, commit_batch
from domain.ports import StoreUnavailable

log = logging.getLogger(__name__)

R = TypeVar("R")
S = TypeVar("S")

SCHEMA_VERSION = 1
_VACUUMED = "secure-delete-vacuum"  # counters row: the one-time rebuild has run
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, etag TEXT NOT NULL, body TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS cases (
        id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
        is_open INTEGER NOT NULL, organisation TEXT NOT NULL, submitter_id TEXT NOT NULL,
        assignee_id TEXT, created_at INTEGER NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
        idle_kind TEXT, idle_since INTEGER, stats_counted INTEGER NOT NULL DEFAULT 0)""",
    "CREATE INDEX IF NOT EXISTS cases_by_status ON cases (status, created_at)",
    "CREATE INDEX IF NOT EXISTS cases_by_open ON cases (is_open, created_at)",
    "CREATE INDEX IF NOT EXISTS cases_by_organisation ON cases (organisation, created_at)",
    "CREATE INDEX IF NOT EXISTS cases_by_submitter ON cases (submitter_id, created_at)",
    "CREATE INDEX IF NOT EXISTS cases_by_assignee ON cases (assignee_id, created_at)",
    # The idle index: open cases by reminder kind and start of the idle period (overdue, overview).
    "CREATE INDEX IF NOT EXISTS cases_idle ON cases (idle_kind, idle_since, id)",
    # How many open cases each idle index holds, kept by triggers in every case write's own
    # transaction: a count over the index range costs O(cases), this O(1) (queue, påminnelser).
    "CREATE TABLE IF NOT EXISTS idle_counts (idle_kind TEXT PRIMARY KEY, n INTEGER NOT NULL)",
    """CREATE TRIGGER IF NOT EXISTS idle_counts_insert AFTER INSERT ON cases
        WHEN NEW.idle_kind IS NOT NULL BEGIN
        INSERT INTO idle_counts (idle_kind, n) VALUES (NEW.idle_kind, 1)
            ON CONFLICT (idle_kind) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER IF NOT EXISTS idle_counts_delete AFTER DELETE ON cases
        WHEN OLD.idle_kind IS NOT NULL BEGIN
        UPDATE idle_counts SET n = n - 1 WHERE idle_kind = OLD.idle_kind;
    END""",
    """CREATE TRIGGER IF NOT EXISTS idle_counts_update AFTER UPDATE OF idle_kind ON cases
        WHEN OLD.idle_kind IS NOT NEW.idle_kind BEGIN
        UPDATE idle_counts SET n = n - 1 WHERE idle_kind = OLD.idle_kind;
        INSERT INTO idle_counts (idle_kind, n) SELECT NEW.idle_kind, 1 WHERE NEW.idle_kind IS NOT NULL
            ON CONFLICT (idle_kind) DO UPDATE SET n = n + 1;
    END""",
    # Cases the statistics do not count yet (filed before they existed): few or none.
    "CREATE INDEX IF NOT EXISTS cases_uncounted ON cases (id) WHERE stats_counted = 0",
    """CREATE TABLE IF NOT EXISTS stats (
        month TEXT NOT NULL, field TEXT NOT NULL, value INTEGER NOT NULL,
        PRIMARY KEY (month, field)) WITHOUT ROWID""",
    "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, body TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS audit_by_case ON audit (case_id, seq)",
    "CREATE TABLE IF NOT EXISTS conversation_refs (key TEXT PRIMARY KEY, body TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS due (
        item_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, visible_at INTEGER NOT NULL,
        payload TEXT NOT NULL, claim_token TEXT)""",
    "CREATE INDEX IF NOT EXISTS due_by_visibility ON due (visible_at, item_id)",
    "CREATE TABLE IF NOT EXISTS seen (activity_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS seen_by_expiry ON seen (expires_at)",
    """CREATE TABLE IF NOT EXISTS send_markers (
        key TEXT PRIMARY KEY, body TEXT NOT NULL, expires_at INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS send_markers_by_expiry ON send_markers (expires_at)",
)


class SqliteDatabase:
    """Runs functions against the connection on its own thread; maps OperationalError (locked
    past busy_timeout, disk I/O, disk full, unreadable file) to StoreUnavailable."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self._busy_timeout = busy_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._group = GroupCommit(self._commit)

    @classmethod
    async def open(cls, path: Path, busy_timeout: float = 5.0) -> SqliteDatabase:
        db = cls(path, busy_timeout)
        try:
            await db._run(db._connect)
        except BaseException:
            db._executor.shutdown(wait=True)
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
            self._transaction(_create_schema)
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
            log.warning("sqlite store unavailable: %s", exc)
            raise StoreUnavailable(f"sqlite unavailable: {exc}") from exc

    async def read(self, fn: Callable[[sqlite3.Connection], R]) -> R:
        """Run `fn` outside a transaction: each statement sees one consistent snapshot."""
        return await self._run(lambda: fn(self._connection()))

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
        writing (a job that ignored its cancellation) gets StoreUnavailable after `drain_timeout`."""

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
            await self._run(close_connection)  # after the batch on the thread now, if any
        finally:
            self._closed = True
            self._executor.shutdown(wait=True)


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to zero bytes, so overwritten pages do not
    linger in the WAL. False when another process's reader kept part of it (retry later)."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def _create_schema(conn: sqlite3.Connection) -> None:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"{version=} of the store file is newer than this bot ({SCHEMA_VERSION})")
    for statement in _SCHEMA:
        if "TABLE IF NOT EXISTS idle_counts " in statement:
            _add_idle_counts(conn)  # before its triggers: the counts start from the cases there
            continue
        conn.execute(statement)
        if "TABLE IF NOT EXISTS cases " in statement:
            _add_idle_columns(conn)  # before the index on those columns is created
            _add_stats_column(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _add_idle_columns(conn: sqlite3.Connection) -> None:
    """Files from before the idle index get its columns, filled from each case once."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(cases)")}
    if "idle_kind" in columns:
        return
    from adapters.sqlite_cases import idle_columns  # the one definition of the index's values
    from domain.case import Case

    conn.execute("ALTER TABLE cases ADD COLUMN idle_kind TEXT")
    conn.execute("ALTER TABLE cases ADD COLUMN idle_since INTEGER")
    rows = conn.execute("SELECT id, body FROM cases WHERE is_open = 1").fetchall()
    conn.executemany(
        "UPDATE cases SET idle_kind = ?, idle_since = ? WHERE id = ?",
        [(*idle_columns(Case.model_validate_json(body)), case_id) for case_id, body in rows],
    )
    log.info("sqlite store: idle index added for %d open cases", len(rows))


def _add_idle_counts(conn: sqlite3.Connection) -> None:
    """The idle index's per-kind counts, counted once from the cases when the table is new (a
    file from before them, or a new file: then there are none). Runs in the schema's transaction."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'idle_counts'").fetchone():
        return
    conn.execute("CREATE TABLE idle_counts (idle_kind TEXT PRIMARY KEY, n INTEGER NOT NULL)")
    conn.execute(
        "INSERT INTO idle_counts (idle_kind, n) SELECT idle_kind, count(*) FROM cases"
        " WHERE idle_kind IS NOT NULL GROUP BY idle_kind"
    )


def _add_stats_column(conn: sqlite3.Connection) -> None:
    """Files from before the statistics: their cases start uncounted (the backfill counts them)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(cases)")}
    if "stats_counted" not in columns:
        conn.execute("ALTER TABLE cases ADD COLUMN stats_counted INTEGER NOT NULL DEFAULT 0")
