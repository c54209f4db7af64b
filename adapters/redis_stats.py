"""The statistics counters on Redis: a hash per Stockholm month (`KeyBuilder.stats_month`),
added to by the case scripts (redis_common.FOLLOW_UPS); `cases:counted` says which cases count.
A report reads at most 36 small hashes, one read-only script per month (each returns its month as
one JSON string) in one pipeline: no scan of cases, and the server is held a fraction of a ms at a
time."""

from __future__ import annotations

import json
from collections.abc import Sequence

from redis.asyncio import Redis

from adapters import redis_common as lua
from adapters.redis_common import unavailable_on_redis_errors
from adapters.store_keys import KeyBuilder
from domain.case import Case
from domain.ports import StatCount


class RedisStatistics:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys
        self._count = client.register_script(lua.COUNT_CASE)
        self._months = client.register_script(lua.MONTHS_JSON)

    @unavailable_on_redis_errors
    async def months(self, months: Sequence[str]) -> dict[str, dict[str, int]]:
        wanted = sorted(set(months))
        if not wanted:
            return {}
        async with self._r.pipeline(transaction=False) as pipe:
            for month in wanted:  # a script per month: the server is never held for long
                await self._months(keys=[self._keys.stats_month(month)], client=pipe)
            found = [reply[0] for reply in await pipe.execute()]
        return {
            month: {field: int(value) for field, value in json.loads(body).items()}
            for month, body in zip(wanted, found, strict=True)
            if body
        }

    @unavailable_on_redis_errors
    async def pending(self) -> int:
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.scard(self._keys.cases_all())
            pipe.scard(self._keys.cases_counted())
            every, counted = await pipe.execute()
        return max(0, int(every) - int(counted))

    @unavailable_on_redis_errors
    async def uncounted(self, cursor: str = "", limit: int = 500) -> tuple[str, list[Case]]:
        """One SSCAN step over every case id, then the uncounted ones' bodies: small steps, so the
        server is never held for long, however many cases there are."""
        following, found = await self._r.sscan(self._keys.cases_all(), int(cursor or 0), count=limit)
        ids: list[str] = sorted(str(case_id) for case_id in found)
        bodies: list[str | None] = []
        if ids:
            flags = await self._r.smismember(self._keys.cases_counted(), ids)
            ids = [case_id for case_id, counted in zip(ids, flags, strict=True) if not counted]
        if ids:
            async with self._r.pipeline(transaction=False) as pipe:
                for case_id in ids:
                    pipe.hget(self._keys.case(case_id), "j")
                bodies = await pipe.execute()
        cases = [Case.model_validate_json(body) for body in bodies if body is not None]
        return ("" if int(following) == 0 else str(following)), cases

    @unavailable_on_redis_errors
    async def count(self, case: Case, counts: Sequence[StatCount]) -> bool:
        months = list(dict.fromkeys(count.month for count in counts))
        keys = [self._keys.case(case.id), self._keys.cases_counted()]
        keys += [self._keys.stats_month(month) for month in months]
        args: list[str | int] = [case.id, case.version]
        for c in counts:
            args += [months.index(c.month) + 1, c.field, c.amount]
        return bool(int(await self._count(keys=keys, args=args)))
