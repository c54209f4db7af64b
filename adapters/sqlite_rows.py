"""Row writes shared by the SQLite stores, so a case write can include them in its transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from adapters.store_keys import to_micros
from domain.ports import AuditEntry, FollowUps, StatCount

_UPSERT_DUE = (
    "INSERT INTO due (item_id, due_at, visible_at, payload, claim_token) VALUES (?, ?, ?, ?, NULL)"
    " ON CONFLICT (item_id) DO UPDATE SET due_at = excluded.due_at,"
    " visible_at = excluded.visible_at, payload = excluded.payload, claim_token = NULL"
)


def insert_audit(conn: sqlite3.Connection, entry: AuditEntry) -> None:
    conn.execute("INSERT INTO audit (case_id, body) VALUES (?, ?)", (entry.case_id, entry.model_dump_json()))


def upsert_due(conn: sqlite3.Connection, item_id: str, due_at: datetime, payload: dict[str, Any]) -> None:
    """Add or move an item; a moved item is a new job, so an old claim completes nothing."""
    at = to_micros(due_at)
    conn.execute(
        _UPSERT_DUE, (item_id, at, at, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
    )


_ADD_STAT = (
    "INSERT INTO stats (month, field, value) VALUES (?, ?, ?)"
    " ON CONFLICT (month, field) DO UPDATE SET value = value + excluded.value"
)


def add_stats(conn: sqlite3.Connection, counts: Iterable[StatCount]) -> None:
    conn.executemany(_ADD_STAT, [(c.month, c.field, c.amount) for c in counts])


def write_follow_ups(conn: sqlite3.Connection, follow: FollowUps, *, counted: bool) -> None:
    """The follow-ups of a case write; its statistics only when the case is `counted`."""
    for entry in follow.audit:
        insert_audit(conn, entry)
    for item in follow.due:
        upsert_due(conn, item.item_id, item.due_at, item.payload)
    if counted:
        add_stats(conn, follow.stats)
