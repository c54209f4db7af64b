"""Redis SendMarkers: a string marker with a TTL (`SET NX PX` to claim; release is a
compare-and-delete script). The marker format and the SQLite twin: adapters/send_markers.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from uuid import uuid4

from redis.asyncio import Redis

from adapters.redis_common import unavailable_on_redis_errors
from adapters.send_markers import marker_done, parse_marker
from adapters.store_keys import KeyBuilder, json_text, ttl_millis
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
        return MarkerClaim(None, parse_marker(reply[1] if len(reply) > 1 else None))

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
        return parse_marker(raw if isinstance(raw, str) else None)
