"""The production store: every port on one Redis, shared safely by any number of bot replicas.

Writes two replicas can race (eTags, case versions, case numbers, claims) are single Lua scripts
(see redis_common.py) rather than WATCH/MULTI: one round trip, no retry loop, and nothing is ever
half-applied. Connection failures and timeouts surface as `StoreUnavailable` so the bot can
answer "try again" instead of crashing a turn.

TTLs: only de-duplication keys expire (the caller's TTL). Documents carry dialog state that must
survive a long pause in an intake (the dialog layer expires abandoned intakes itself); cases,
audit, references and reminders are records and stay until deleted by a retention job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import redis.exceptions
from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff

from adapters import redis_common as lua
from adapters.redis_audit import RedisAudit
from adapters.redis_cases import RedisCases
from adapters.redis_common import unavailable_on_redis_errors
from adapters.redis_send_markers import RedisSendMarkers
from adapters.redis_stats import RedisStatistics
from adapters.send_markers import marker_done
from adapters.store_keys import KeyBuilder, from_micros, json_text, to_micros, ttl_millis
from domain.ports import (
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


def documents_from_rows(keys: Sequence[str], rows: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Documents from `HMGET key e d` replies, one per key (absent ones left out)."""
    found: dict[str, dict[str, Any]] = {}
    for key, (e_tag, body) in zip(keys, rows, strict=True):
        if body is not None:
            found[key] = {**json.loads(body), "e_tag": e_tag}
    return found


class RedisDocuments:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys
        self._write = client.register_script(lua.WRITE_DOCUMENTS)

    @unavailable_on_redis_errors
    async def read(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
        keys = list(keys)
        if not keys:
            return {}
        async with self._r.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.hmget(self._keys.document(key), ["e", "d"])
            rows = await pipe.execute()
        return documents_from_rows(keys, rows)

    @unavailable_on_redis_errors
    async def write(self, changes: Mapping[str, dict[str, Any]]) -> None:
        if not changes:
            return
        args: list[str] = [uuid4().hex]
        for doc in changes.values():
            e_tag = doc.get("e_tag")
            args.append("*" if e_tag is None or e_tag == "*" else str(e_tag))
            args.append(json_text({k: v for k, v in doc.items() if k != "e_tag"}))
        keys = [self._keys.document(key) for key in changes]
        conflict = int(await self._write(keys=keys, args=args))
        if conflict:
            stale = list(changes)[conflict - 1]
            raise VersionConflict(f"document {stale!r} was changed by someone else (stale e_tag)")

    @unavailable_on_redis_errors
    async def delete(self, keys: Sequence[str]) -> None:
        if keys:
            await self._r.delete(*(self._keys.document(key) for key in keys))


class RedisReferences:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys

    @unavailable_on_redis_errors
    async def save(self, key: str, reference: dict[str, Any]) -> None:
        await self._r.set(self._keys.reference(key), json_text(reference))

    @unavailable_on_redis_errors
    async def get(self, key: str) -> dict[str, Any] | None:
        body = await self._r.get(self._keys.reference(key))
        return None if body is None else dict(json.loads(body))


def due_body(due_at: datetime, payload: dict[str, Any]) -> str:
    return json_text({"due_at": to_micros(due_at), "payload": payload})


class RedisDueIndex:
    """Sorted set of visibility times + item and claim hashes. A claim pushes the item's score
    to now + lease, so an unfinished item comes back by itself when the lease runs out."""

    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys
        self._claim = client.register_script(lua.CLAIM_DUE)
        self._complete = client.register_script(lua.COMPLETE_DUE)
        self._settle = client.register_script(lua.SETTLE_DUE)

    def _triple(self) -> list[str]:
        return [self._keys.due_schedule(), self._keys.due_items(), self._keys.due_claims()]

    @unavailable_on_redis_errors
    async def schedule(self, item_id: str, due_at: datetime, payload: dict[str, Any]) -> None:
        item = due_body(due_at, payload)
        schedule, items, claims = self._triple()
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.zadd(schedule, {item_id: to_micros(due_at)})
            pipe.hset(items, item_id, item)
            pipe.hdel(claims, item_id)  # a moved item is a new job: old claims complete nothing
            await pipe.execute()

    @unavailable_on_redis_errors
    async def cancel(self, item_id: str) -> None:
        schedule, items, claims = self._triple()
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.zrem(schedule, item_id)
            pipe.hdel(items, item_id)
            pipe.hdel(claims, item_id)
            await pipe.execute()

    @unavailable_on_redis_errors
    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueItem]:
        if limit <= 0:
            return []
        token = uuid4().hex
        args: list[str | int] = [to_micros(now), limit, to_micros(now + lease), token]
        flat = await self._claim(keys=self._triple(), args=args)
        claimed = []
        for item_id, body in zip(flat[::2], flat[1::2], strict=True):
            item = json.loads(body)
            claimed.append(DueItem(item_id, from_micros(item["due_at"]), item["payload"], token))
        return claimed

    @unavailable_on_redis_errors
    async def complete(self, item: DueItem) -> bool:
        done = await self._complete(keys=self._triple(), args=[item.item_id, item.claim_token])
        return bool(done)

    @unavailable_on_redis_errors
    async def settle(self, item: DueItem, settlement: Settlement) -> bool:
        again = settlement.again_at
        args: list[str | int] = [
            item.item_id,
            item.claim_token,
            "" if again is None else to_micros(again),
            "" if again is None else due_body(again, settlement.payload or item.payload),
            ttl_millis(settlement.sent_ttl),
            len(settlement.then),
        ]
        for then in settlement.then:
            args += [then.item_id, to_micros(then.due_at), due_body(then.due_at, then.payload)]
        args += [marker_done(result) for result in settlement.sent.values()]
        keys = self._triple() + [self._keys.send_marker(key) for key in settlement.sent]
        return bool(await self._settle(keys=keys, args=args))

    @unavailable_on_redis_errors
    async def backlog(self, now: datetime) -> DueBacklog:
        schedule = self._keys.due_schedule()
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.zcount(schedule, "-inf", to_micros(now))
            pipe.zcard(schedule)
            pipe.zrange(schedule, 0, 0, withscores=True)
            due, scheduled, first = await pipe.execute()
        oldest = from_micros(int(first[0][1])) if due and first else None
        return DueBacklog(int(due), int(scheduled), oldest)


class RedisSeen:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._keys = keys
        self._first_seen = client.register_script(lua.FIRST_SEEN)
        self._first_seen_read = client.register_script(lua.FIRST_SEEN_READ)

    @unavailable_on_redis_errors
    async def first_seen(self, activity_id: str, ttl: timedelta) -> bool:
        args: list[str | int] = [uuid4().hex, ttl_millis(ttl)]
        return bool(await self._first_seen(keys=[self._keys.seen(activity_id)], args=args))

    @unavailable_on_redis_errors
    async def first_seen_then_read(
        self, activity_id: str, ttl: timedelta, documents: Sequence[str]
    ) -> tuple[bool, dict[str, dict[str, Any]]]:
        documents = list(dict.fromkeys(documents))
        keys = [self._keys.seen(activity_id), *(self._keys.document(d) for d in documents)]
        args: list[str | int] = [uuid4().hex, ttl_millis(ttl)]
        reply = await self._first_seen_read(keys=keys, args=args)
        if not int(reply[0]):
            return False, {}
        return True, documents_from_rows(documents, list(zip(reply[1::2], reply[2::2], strict=True)))


async def _best_effort(command: Awaitable[Any], name: str) -> None:
    try:
        await command
    except redis.exceptions.ResponseError as refused:  # already running, or not allowed here
        log.info("%s after a purge was not started: %s", name, refused)


class RedisStores:
    """All ports on one Redis client. The stores own the client: `close()` closes it (and the
    pool `from_url` made). The client must decode responses to str."""

    backend: str = "redis"

    def __init__(self, client: Redis, keys: KeyBuilder | None = None) -> None:
        if not client.connection_pool.connection_kwargs.get("decode_responses"):
            raise ValueError("RedisStores needs a client created with decode_responses=True")
        keys = keys or KeyBuilder()
        self._client = client
        self.keys = keys
        self.documents: DocumentStore = RedisDocuments(client, keys)
        self.cases: CaseRepository = RedisCases(client, keys)
        self.audit: AuditLog = RedisAudit(client, keys)
        self.references: ConversationReferences = RedisReferences(client, keys)
        self.due: DueIndex = RedisDueIndex(client, keys)
        self.seen: SeenActivities = RedisSeen(client, keys)
        self.markers: SendMarkers = RedisSendMarkers(client, keys)
        self.stats: Statistics = RedisStatistics(client, keys)

    @classmethod
    def from_url(
        cls, url: str, *, max_connections: int = 50, keys: KeyBuilder | None = None, **options: Any
    ) -> RedisStores:
        """A blocking pool queues callers instead of failing past `max_connections` (redis-py's
        plain pool raises MaxConnectionsError). Timeouts stay well inside Teams' 5 s budget for a
        card action; a couple of quick retries ride over a stale pooled connection."""
        settings: dict[str, Any] = {
            "max_connections": max_connections,
            "timeout": 2.0,  # waiting for a free pooled connection
            "socket_connect_timeout": 2.0,
            "socket_timeout": 2.0,
            "health_check_interval": 30,
            "retry": Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=2),
            "decode_responses": True,
        }
        pool = BlockingConnectionPool.from_url(url, **(settings | options))
        return cls(Redis.from_pool(pool), keys)

    @unavailable_on_redis_errors
    async def ping(self) -> None:
        await self._client.ping()

    @unavailable_on_redis_errors
    async def scrub(self) -> None:
        """Overwritten values are gone from memory, but an AOF still holds the commands that
        wrote them and an RDB file the last snapshot: rewrite what this Redis persists. Managed
        Redis often refuses CONFIG or BGREWRITEAOF; then its own schedule applies (README)."""
        persistence = await self._client.info("persistence")
        if persistence.get("aof_enabled"):
            await _best_effort(self._client.bgrewriteaof(), "BGREWRITEAOF")
        try:
            save = (await self._client.config_get("save")).get("save") or ""
        except redis.exceptions.ResponseError:
            save = ""
        if save.strip():
            await _best_effort(self._client.bgsave(schedule=True), "BGSAVE")

    async def close(self) -> None:
        await self._client.aclose()
