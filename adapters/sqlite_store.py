"""The embedded store: every port in one SQLite file, for `make run` and single-host installs.

Same behaviour as the Redis store (one contract suite holds both to it), durable on disk (WAL,
synchronous=FULL), and safe for several processes on one file. Nothing expires by itself except
seen-activity ids, which are pruned once past their TTL; see redis_store.py for why.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from adapters.send_markers import SqliteSendMarkers, marker_done, upsert_done_markers
from adapters.sqlite_cases import SqliteCases
from adapters.sqlite_db import SqliteDatabase
from adapters.sqlite_rows import insert_audit, upsert_due
from adapters.sqlite_stats import SqliteStatistics
from adapters.store_keys import from_micros, to_micros
from domain.clock import Clock, utc_now
from domain.ports import (
    AuditEntry,
    AuditLog,
    CaseRepository,
    ConversationReferences,
    DocumentStore,
    DueBacklog,
    DueIndex,
    DueItem,
    SeenActivities,
    SendMarkers,
    Settlement,
    Statistics,
    VersionConflict,
)

log = logging.getLogger(__name__)

FILE_NAME = "skyddad-id.sqlite3"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _document_rows(conn: sqlite3.Connection, keys: Sequence[str]) -> list[tuple[str, str, str]]:
    query = f"SELECT key, etag, body FROM documents WHERE key IN ({', '.join('?' * len(keys))})"
    return conn.execute(query, list(keys)).fetchall()


def _documents(rows: Sequence[tuple[str, str, str]]) -> dict[str, dict[str, Any]]:
    return {key: {**json.loads(body), "e_tag": e_tag} for key, e_tag, body in rows}


class SqliteDocuments:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def read(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        keys = list(dict.fromkeys(keys))
        if not keys:
            return {}
        return _documents(await self._db.read_now(lambda conn: _document_rows(conn, keys)))

    async def write(self, changes: Mapping[str, dict[str, Any]]) -> None:
        if not changes:
            return
        e_tag = uuid4().hex
        rows = [
            (key, e_tag, _json({k: v for k, v in doc.items() if k != "e_tag"}))
            for key, doc in changes.items()
        ]

        def write(conn: sqlite3.Connection) -> None:
            for key, doc in changes.items():
                expected = doc.get("e_tag")
                if expected is None or expected == "*":
                    continue
                row = conn.execute("SELECT etag FROM documents WHERE key = ?", (key,)).fetchone()
                if row is None or row[0] != str(expected):
                    raise VersionConflict(f"document {key!r} was changed by someone else (stale e_tag)")
            conn.executemany(
                "INSERT INTO documents (key, etag, body) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, body = excluded.body",
                rows,
            )

        await self._db.write(write)

    async def delete(self, keys: Sequence[str]) -> None:
        rows = [(key,) for key in keys]
        if rows:
            await self._db.write(lambda conn: conn.executemany("DELETE FROM documents WHERE key = ?", rows))


class SqliteAudit:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def append(self, entry: AuditEntry) -> None:
        await self._db.write(lambda conn: insert_audit(conn, entry))

    async def entries(self, case_id: str) -> list[AuditEntry]:
        query = "SELECT body FROM audit WHERE case_id = ? ORDER BY seq"
        rows = await self._db.read(lambda conn: conn.execute(query, (case_id,)).fetchall())
        return [AuditEntry.model_validate_json(body) for (body,) in rows]

    async def rewrite(self, case_id: str, change: Callable[[AuditEntry], AuditEntry]) -> int:
        def rewrite(conn: sqlite3.Connection) -> int:
            rows = conn.execute("SELECT seq, body FROM audit WHERE case_id = ?", (case_id,)).fetchall()
            updates = []
            for seq, body in rows:
                entry = AuditEntry.model_validate_json(body)
                changed = change(entry)
                if changed != entry:
                    updates.append((changed.model_dump_json(), seq))
            conn.executemany("UPDATE audit SET body = ? WHERE seq = ?", updates)
            return len(updates)

        return await self._db.write(rewrite)

    async def between(self, start: datetime, end: datetime) -> list[AuditEntry]:
        rows = await self._db.read(
            lambda conn: conn.execute("SELECT body FROM audit ORDER BY seq").fetchall()
        )
        entries = [AuditEntry.model_validate_json(body) for (body,) in rows]
        return sorted((e for e in entries if start <= e.at < end), key=lambda e: e.at)


class SqliteReferences:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def save(self, key: str, reference: dict[str, Any]) -> None:
        query = (
            "INSERT INTO conversation_refs (key, body) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET body = excluded.body"
        )
        row = (key, _json(reference))
        await self._db.write(lambda conn: conn.execute(query, row))

    async def get(self, key: str) -> dict[str, Any] | None:
        query = "SELECT body FROM conversation_refs WHERE key = ?"
        row = await self._db.read_now(lambda conn: conn.execute(query, (key,)).fetchone())
        return None if row is None else dict(json.loads(row[0]))


class SqliteDueIndex:
    """`visible_at` plays the Redis score: a claim moves it to now + lease."""

    def __init__(self, db: SqliteDatabase, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock  # the send markers a settlement records expire by the app's clock

    async def schedule(self, item_id: str, due_at: datetime, payload: dict[str, Any]) -> None:
        await self._db.write(lambda conn: upsert_due(conn, item_id, due_at, payload))

    async def cancel(self, item_id: str) -> None:
        await self._db.write(lambda conn: conn.execute("DELETE FROM due WHERE item_id = ?", (item_id,)))

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueItem]:
        if limit <= 0:
            return []
        token, at, until = uuid4().hex, to_micros(now), to_micros(now + lease)

        def claim(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
            rows: list[tuple[str, int, str]] = conn.execute(
                "SELECT item_id, due_at, payload FROM due WHERE visible_at <= ?"
                " ORDER BY visible_at, item_id LIMIT ?",
                (at, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE due SET visible_at = ?, claim_token = ? WHERE item_id = ?",
                [(until, token, item_id) for item_id, _, _ in rows],
            )
            return rows

        rows = await self._db.write(claim)
        return [
            DueItem(item_id, from_micros(due), json.loads(payload), token) for item_id, due, payload in rows
        ]

    async def complete(self, item: DueItem) -> bool:
        query = "DELETE FROM due WHERE item_id = ? AND claim_token = ?"
        row = (item.item_id, item.claim_token)
        return bool(await self._db.write(lambda conn: conn.execute(query, row).rowcount))

    async def settle(self, item: DueItem, settlement: Settlement) -> bool:
        expires = to_micros(self._clock() + settlement.sent_ttl)
        markers = [(key, marker_done(result), expires) for key, result in settlement.sent.items()]
        again = settlement.again_at

        def settle(conn: sqlite3.Connection) -> bool:
            if again is not None:
                upsert_due(conn, item.item_id, again, settlement.payload or item.payload)
                removed = True
            else:
                query = "DELETE FROM due WHERE item_id = ? AND claim_token = ?"
                removed = conn.execute(query, (item.item_id, item.claim_token)).rowcount == 1
            for then in settlement.then:
                upsert_due(conn, then.item_id, then.due_at, then.payload)
            upsert_done_markers(conn, markers)
            return removed

        return await self._db.write(settle)

    async def backlog(self, now: datetime) -> DueBacklog:
        query = "SELECT COUNT(*), MIN(visible_at), (SELECT COUNT(*) FROM due) FROM due WHERE visible_at <= ?"
        due, oldest, scheduled = await self._db.read(
            lambda conn: conn.execute(query, (to_micros(now),)).fetchone()
        )
        return DueBacklog(due, scheduled, None if oldest is None else from_micros(oldest))


class SqliteSeen:
    """Expiry by the injected clock; expired ids are pruned as new ones arrive."""

    def __init__(self, db: SqliteDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _offer(self, activity_id: str, ttl: timedelta) -> Callable[[sqlite3.Connection], bool]:
        now = to_micros(self._clock())
        expires = now + max(1, ttl // timedelta(microseconds=1))

        def offer(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM seen WHERE expires_at <= ?", (now,))
            inserted = conn.execute(
                "INSERT INTO seen (activity_id, expires_at) VALUES (?, ?)"
                " ON CONFLICT (activity_id) DO NOTHING",
                (activity_id, expires),
            ).rowcount
            return inserted == 1

        return offer

    async def first_seen(self, activity_id: str, ttl: timedelta) -> bool:
        return await self._db.write(self._offer(activity_id, ttl))

    async def first_seen_then_read(
        self, activity_id: str, ttl: timedelta, documents: Sequence[str]
    ) -> tuple[bool, dict[str, dict[str, Any]]]:
        # One hop: the mark is committed (group commit, its fsync) and then, on the store
        # thread, the documents are read, outside the batch's transaction: no other turn's
        # write that is not yet durable can be seen.
        keys = list(dict.fromkeys(documents))

        def read(conn: sqlite3.Connection, first: bool) -> list[tuple[str, str, str]]:
            return _document_rows(conn, keys) if first and keys else []

        first, rows = await self._db.write_then_read(self._offer(activity_id, ttl), read)
        return first, _documents(rows) if first else {}


class SqliteStores:
    """All ports on one SQLite file. Open with `await SqliteStores.open(data_dir)`."""

    backend: str = "sqlite"

    def __init__(self, db: SqliteDatabase, clock: Clock = utc_now) -> None:
        self._db = db
        self.path = db.path
        self.documents: DocumentStore = SqliteDocuments(db)
        self.cases: CaseRepository = SqliteCases(db)
        self.audit: AuditLog = SqliteAudit(db)
        self.references: ConversationReferences = SqliteReferences(db)
        self.due: DueIndex = SqliteDueIndex(db, clock)
        self.seen: SeenActivities = SqliteSeen(db, clock)
        self.markers: SendMarkers = SqliteSendMarkers(db, clock)
        self.stats: Statistics = SqliteStatistics(db)

    @classmethod
    async def open(cls, data_dir: Path, *, clock: Clock = utc_now, busy_timeout: float = 5.0) -> SqliteStores:
        """Open (creating if needed) `data_dir/skyddad-id.sqlite3`. `busy_timeout` is how long a
        write waits for another process's transaction before giving up with StoreUnavailable."""
        return cls(await SqliteDatabase.open(Path(data_dir) / FILE_NAME, busy_timeout), clock)

    async def ping(self) -> None:
        await self._db.ping()

    async def scrub(self) -> None:
        if not await self._db.checkpoint():
            log.warning("WAL checkpoint after a purge was blocked by a reader; the next purge retries it")

    async def close(self) -> None:
        await self._db.close()
