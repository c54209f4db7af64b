"""SendMarkers for both backends: one key per proactive send, claimed before and marked after.

Redis: a string `{"s": "claimed"|"done", "t": token, "r": result}` with a TTL (`SET NX PX` to
claim; release is a compare-and-delete script). SQLite: a row with an expiry time, expired rows
pruned as new claims arrive (the same sweep as the seen-activity ids).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import uuid4

from redis.asyncio import Redis

from adapters.redis_common import json_text, unavailable_on_redis_errors
from adapters.sqlite_db import SqliteDatabase
from adapters.store_keys import KeyBuilder, to_micros, ttl_millis
from domain.clock import Clock
from domain.ports import MarkerClaim

# KEYS: the marker to claim, then markers to record done first. ARGV: the claim's value, its TTL
# in ms, the done markers' TTL in ms, one value per done marker. {1} = claimed, else {0, found}.
_CLAIM_OR_LOOKUP = """
for i = 2, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 2], 'PX', ARGV[3]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {0, redis.call('GET', KEYS[1])}
"""

# KEYS: marker. ARGV: token. Deletes the marker only while it is our own claim.
_RELEASE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local marker = cjson.decode(raw)
if marker['s'] == 'claimed' and marker['t'] == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
"""


def marker_done(result: Any) -> str:
    """A done marker's value (shared with the due index, which records them when it settles)."""
    return json_text({"s": "done", "r": result})


def _parse(raw: str | None) -> tuple[str, Any] | None:
    if raw is None:
        return None
    marker = json.loads(raw)
    return str(marker["s"]), marker.get("r")


class RedisSendMarkers:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._client = client
        self._keys = keys
        self._release = client.register_script(_RELEASE)
        self._claim_or_lookup = client.register_script(_CLAIM_OR_LOOKUP)

    @unavailable_on_redis_errors
    async def claim(self, key: str, ttl: timedelta) -> str | None:
        token = uuid4().hex
        value = json_text({"s": "claimed", "t": token})
        claimed = await self._client.set(self._keys.send_marker(key), value, nx=True, px=ttl_millis(ttl))
        return token if claimed else None

    @unavailable_on_redis_errors
    async def claim_or_lookup(
        self, key: str, ttl: timedelta, *, done: Mapping[str, Any] | None = None, done_ttl: timedelta
    ) -> MarkerClaim:
        done = done or {}
        token = uuid4().hex
        keys = [self._keys.send_marker(key)] + [self._keys.send_marker(k) for k in done]
        args: list[str | int] = [json_text({"s": "claimed", "t": token}), ttl_millis(ttl)]
        args += [ttl_millis(done_ttl), *(marker_done(result) for result in done.values())]
        reply = await self._claim_or_lookup(keys=keys, args=args)
        if int(reply[0]) == 1:
            return MarkerClaim(token)
        return MarkerClaim(None, _parse(reply[1] if len(reply) > 1 else None))

    @unavailable_on_redis_errors
    async def release(self, key: str, token: str) -> None:
        await self._release(keys=[self._keys.send_marker(key)], args=[token])

    @unavailable_on_redis_errors
    async def done(self, key: str, result: Any, ttl: timedelta) -> None:
        value = marker_done(result)
        await self._client.set(self._keys.send_marker(key), value, px=ttl_millis(ttl))

    @unavailable_on_redis_errors
    async def lookup(self, key: str) -> tuple[str, Any] | None:
        raw = await self._client.get(self._keys.send_marker(key))
        return _parse(raw if isinstance(raw, str) else None)


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
        return MarkerClaim(token) if found is None else MarkerClaim(None, _parse(found))

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
        row = await self._db.read(lambda conn: conn.execute(query, (key, now)).fetchone())
        return _parse(row[0] if row else None)
