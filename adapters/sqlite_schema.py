"""The embedded store's tables, indexes and triggers, and the upgrades of files from before them.

Created by the writer's connection in its first transaction (sqlite_db.py), before the reader
connects; `create_schema` is idempotent, and a file newer than this bot is refused.
"""

from __future__ import annotations

import logging
import sqlite3

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
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


def create_schema(conn: sqlite3.Connection) -> None:
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
