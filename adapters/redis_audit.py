"""The audit log on Redis: one append-only list of AuditEntry JSON per case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis.asyncio import Redis

from adapters.redis_common import unavailable_on_redis_errors
from adapters.store_keys import KeyBuilder
from domain.ports import AuditEntry


class RedisAudit:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys

    @unavailable_on_redis_errors
    async def append(self, entry: AuditEntry) -> None:
        await self._r.rpush(self._keys.audit(entry.case_id), entry.model_dump_json())

    @unavailable_on_redis_errors
    async def entries(self, case_id: str) -> list[AuditEntry]:
        rows = await self._r.lrange(self._keys.audit(case_id), 0, -1)
        return [AuditEntry.model_validate_json(row) for row in rows]

    @unavailable_on_redis_errors
    async def rewrite(self, case_id: str, change: Callable[[AuditEntry], AuditEntry]) -> int:
        # The list is append-only, so an index read here still names the same entry at LSET.
        key = self._keys.audit(case_id)
        changes = []
        for index, row in enumerate(await self._r.lrange(key, 0, -1)):
            entry = AuditEntry.model_validate_json(row)
            changed = change(entry)
            if changed != entry:
                changes.append((index, changed.model_dump_json()))
        if changes:
            async with self._r.pipeline(transaction=True) as pipe:
                for index, body in changes:
                    pipe.lset(key, index, body)
                await pipe.execute()
        return len(changes)

    @unavailable_on_redis_errors
    async def between(self, start: datetime, end: datetime) -> list[AuditEntry]:
        entries = []
        async for key in self._r.scan_iter(match=self._keys.audit_pattern(), count=500):
            for row in await self._r.lrange(key, 0, -1):
                entry = AuditEntry.model_validate_json(row)
                if start <= entry.at < end:
                    entries.append(entry)
        return sorted(entries, key=lambda e: e.at)
