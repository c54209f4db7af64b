"""SendMarkers: one key per proactive send, claimed before and marked after.

The marker is `{"s": "claimed"|"done", "t": token, "r": result}` on both backends. SQLite (here):
a row with an expiry time, expired rows pruned as new claims arrive (the same sweep as the
seen-activity ids). Redis: adapters/redis_send_markers.py, kept apart so a bot on the SQLite
file never imports redis-py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import uuid4

from adapters.sqlite_db import SqliteDatabase
from adapters.store_keys import json_text, to_micros
from domain.clock import Clock
from domain.ports import MarkerClaim


def marker_done(result: Any) -> str:
    """A done marker's value (shared with the due index, which records them when it settles)."""
    return json_text({"s": "done", "r": result})


def parse_marker(raw: str | None) -> tuple[str, Any] | None:
    if raw is None:
        return None
    marker = json.loads(raw)
    return str(marker["s"]), marker.get("r")


def upsert_done_markers(conn: sqlite3.Connection, rows: list[tuple[str, str, int]]) -> None:
    """(key, value, expires_at) rows of done markers, overwriting claims."""
    conn.executemany(
        "INSERT INTO send_markers (key, body, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at",
        rows,
    )


def _insert_claim(conn: sqlite3.Connection, key: str, value: str, now: int, expires: int) -> bool:
    """Prune expired markers, then claim `key` unless a live marker holds it: whether we did."""
    conn.execute("DELETE FROM send_markers WHERE expires_at <= ?", (now,))
    inserted = conn.execute(
        "INSERT INTO send_markers (key, body, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
        (key, value, expires),
    ).rowcount
    return bool(inserted == 1)


class SqliteSendMarkers:
    """Expiry by the injected clock, like SqliteSeen."""

    def __init__(self, db: SqliteDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _expiry(self, ttl: timedelta) -> tuple[int, int]:
        now = to_micros(self._clock())
        return now, now + max(1, ttl // timedelta(microseconds=1))

    async def claim(self, key: str, ttl: timedelta) -> str | None:
        now, expires = self._expiry(ttl)
        token = uuid4().hex
        value = json.dumps({"s": "claimed", "t": token})

        def claim(conn: sqlite3.Connection) -> bool:
            return _insert_claim(conn, key, value, now, expires)

        return token if await self._db.write(claim) else None

    async def claim_or_lookup(
        self, key: str, ttl: timedelta, *, done: Mapping[str, Any] | None = None, done_ttl: timedelta
    ) -> MarkerClaim:
        now, expires = self._expiry(ttl)
        _, done_expires = self._expiry(done_ttl)
        token = uuid4().hex
        value = json.dumps({"s": "claimed", "t": token})
        finished = [(k, marker_done(result), done_expires) for k, result in (done or {}).items()]

        def claim(conn: sqlite3.Connection) -> str | None:
            upsert_done_markers(conn, finished)
            if _insert_claim(conn, key, value, now, expires):
                return None
            row = conn.execute("SELECT body FROM send_markers WHERE key = ?", (key,)).fetchone()
            return str(row[0]) if row else None

        found = await self._db.write(claim)
        return MarkerClaim(token) if found is None else MarkerClaim(None, parse_marker(found))

    async def release(self, key: str, token: str) -> None:
        value = json.dumps({"s": "claimed", "t": token})
        query = "DELETE FROM send_markers WHERE key = ? AND body = ?"
        await self._db.write(lambda conn: conn.execute(query, (key, value)))

    async def done(self, key: str, result: Any, ttl: timedelta) -> None:
        _, expires = self._expiry(ttl)
        rows = [(key, marker_done(result), expires)]
        await self._db.write(lambda conn: upsert_done_markers(conn, rows))

    async def lookup(self, key: str) -> tuple[str, Any] | None:
        now = to_micros(self._clock())
        query = "SELECT body FROM send_markers WHERE key = ? AND expires_at > ?"
        row = await self._db.read_now(lambda conn: conn.execute(query, (key, now)).fetchone())
        return parse_marker(row[0] if row else None)
