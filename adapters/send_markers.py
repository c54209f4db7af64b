"""SendMarkers for both backends: one key per proactive send, claimed before and marked after.

Redis: a string `{"s": "claimed"|"done", "t": token, "r": result}` with a TTL (`SET NX PX` to
claim; release is a compare-and-delete script). SQLite: a row with an expiry time, expired rows
pruned as new claims arrive (the same sweep as the seen-activity ids).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from typing import Any
from uuid import uuid4

from redis.asyncio import Redis

from adapters.redis_common import json_text, unavailable_on_redis_errors
from adapters.sqlite_db import SqliteDatabase
from adapters.store_keys import KeyBuilder, to_micros, ttl_millis
from domain.clock import Clock

# KEYS: marker. ARGV: token. Deletes the marker only while it is our own claim.
_RELEASE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local marker = cjson.decode(raw)
if marker['s'] == 'claimed' and marker['t'] == ARGV[1] then redis.call('DEL', KEYS[1]) return 1 end
return 0
"""


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

    @unavailable_on_redis_errors
    async def claim(self, key: str, ttl: timedelta) -> str | None:
        token = uuid4().hex
        value = json_text({"s": "claimed", "t": token})
        claimed = await self._client.set(self._keys.send_marker(key), value, nx=True, px=ttl_millis(ttl))
        return token if claimed else None

    @unavailable_on_redis_errors
    async def release(self, key: str, token: str) -> None:
        await self._release(keys=[self._keys.send_marker(key)], args=[token])

    @unavailable_on_redis_errors
    async def done(self, key: str, result: Any, ttl: timedelta) -> None:
        value = json_text({"s": "done", "r": result})
        await self._client.set(self._keys.send_marker(key), value, px=ttl_millis(ttl))

    @unavailable_on_redis_errors
    async def lookup(self, key: str) -> tuple[str, Any] | None:
        raw = await self._client.get(self._keys.send_marker(key))
        return _parse(raw if isinstance(raw, str) else None)


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
            conn.execute("DELETE FROM send_markers WHERE expires_at <= ?", (now,))
            inserted = conn.execute(
                "INSERT INTO send_markers (key, body, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, value, expires),
            ).rowcount
            return bool(inserted == 1)

        return token if await self._db.write(claim) else None

    async def release(self, key: str, token: str) -> None:
        value = json.dumps({"s": "claimed", "t": token})
        query = "DELETE FROM send_markers WHERE key = ? AND body = ?"
        await self._db.write(lambda conn: conn.execute(query, (key, value)))

    async def done(self, key: str, result: Any, ttl: timedelta) -> None:
        _, expires = self._expiry(ttl)
        row = (key, json.dumps({"s": "done", "r": result}), expires)
        query = (
            "INSERT INTO send_markers (key, body, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET body = excluded.body, expires_at = excluded.expires_at"
        )
        await self._db.write(lambda conn: conn.execute(query, row))

    async def lookup(self, key: str) -> tuple[str, Any] | None:
        now = to_micros(self._clock())
        query = "SELECT body FROM send_markers WHERE key = ? AND expires_at > ?"
        row = await self._db.read(lambda conn: conn.execute(query, (key, now)).fetchone())
        return _parse(row[0] if row else None)
