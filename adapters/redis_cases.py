"""Cases on Redis: a hash per case, a number → id hash, a counter per year, and index sets.

Numbers come from INCR inside the create script, so replicas never hand out one number twice
and a failed create never burns a number. Each case hash remembers which index sets hold its id,
so an update moves it between sets (status, open, assignee) in the same script that checks the
version: a list never shows a case under a status it has left.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import uuid4

from redis.asyncio import Redis

from adapters import redis_common as lua
from adapters.logging_setup import bind_case
from adapters.redis_common import follow_up_args, unavailable_on_redis_errors
from adapters.store_keys import (
    ALL_CASES,
    KeyBuilder,
    case_number_prefix,
    case_year,
    from_micros,
    json_text,
    to_micros,
)
from domain.case import Case
from domain.ports import (
    FILING_WINDOW,
    NO_FOLLOW_UPS,
    CaseFilter,
    FollowUps,
    IdleEntry,
    IdlePage,
    RecentFilings,
    VersionConflict,
)
from domain.reminders import ReminderKind, reminder_kind


class RedisCases:
    def __init__(self, client: Redis, keys: KeyBuilder) -> None:
        self._r = client
        self._keys = keys
        self._create = client.register_script(lua.CREATE_CASE)
        self._update = client.register_script(lua.UPDATE_CASE)
        self._list = client.register_script(lua.LIST_CASES)

    @unavailable_on_redis_errors
    async def create(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        year = case_year(case)
        # The number exists only inside the script; it replaces this one-off placeholder.
        placeholder = f"@@number-{uuid4().hex}@@"
        body = case.model_copy(update={"number": placeholder}).model_dump_json()
        indexes = self._keys.case_indexes(case)
        idle_key, idle_score = self._idle(case)
        keys = [self._keys.case(case.id), self._keys.case_counter(year), self._keys.case_numbers()]
        follow_keys, follow_arg = follow_up_args(self._keys, case.id, follow)
        keys += [idle_key, *follow_keys]
        args: list[str | int] = [body, placeholder, case_number_prefix(year), case.id, case.version]
        args += [json_text(indexes), uuid4().hex, idle_score, follow_arg]
        created = to_micros(case.created_at)
        window = FILING_WINDOW // timedelta(microseconds=1)
        args += [created, created - window, window // 1000]
        filings = self._keys.cases_filed(case.submitter.id)
        number = await self._create(keys=keys + indexes + [filings], args=args)
        if number is None:
            raise VersionConflict(f"case {case.id} already exists")
        return bind_case(Case.model_validate_json(body.replace(placeholder, str(number), 1)))

    def _idle(self, case: Case) -> tuple[str, int | str]:
        """The idle sorted set the case belongs in and its score; '' as score once it is final
        (the key is then a placeholder of the same slot, never written)."""
        kind = reminder_kind(case)
        if kind is None:
            return self._keys.cases_idle("none"), ""
        return self._keys.cases_idle(kind.value), to_micros(case.updated_at)

    @unavailable_on_redis_errors
    async def get(self, case_id: str) -> Case | None:
        body = await self._r.hget(self._keys.case(case_id), "j")
        return None if body is None else bind_case(Case.model_validate_json(body))

    @unavailable_on_redis_errors
    async def get_by_number(self, number: str) -> Case | None:
        case_id = await self._r.hget(self._keys.case_numbers(), number)
        return None if case_id is None else await self.get(str(case_id))

    @unavailable_on_redis_errors
    async def update(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        stored = case.next_version()
        body = stored.model_dump_json()
        indexes = self._keys.case_indexes(stored)
        idle_key, idle_score = self._idle(stored)
        args: list[str | int] = [case.version, stored.version, body, case.id, json_text(indexes)]
        follow_keys, follow_arg = follow_up_args(self._keys, case.id, follow)
        args += [uuid4().hex, idle_score, follow_arg]
        keys = [self._keys.case(case.id), idle_key, *follow_keys, *indexes]
        result = int(await self._update(keys=keys, args=args))
        if result == -1:
            raise VersionConflict(f"case {case.id} does not exist")
        if result == 0:
            raise VersionConflict(f"case {case.id} changed since version {case.version}")
        return stored

    @unavailable_on_redis_errors
    async def list(self, where: CaseFilter = ALL_CASES) -> list[Case]:
        """Oldest first (created_at, then number), like the SQLite store."""
        keys = self._keys
        sets = [keys.cases_all()]
        if where.status is not None:
            sets.append(keys.cases_by_status(where.status.value))
        if where.open_only:
            sets.append(keys.cases_open())
        if where.organisation is not None:
            sets.append(keys.cases_by_organisation(where.organisation))
        if where.submitter_id is not None:
            sets.append(keys.cases_by_submitter(where.submitter_id))
        if where.assignee_id is not None:
            sets.append(keys.cases_by_assignee(where.assignee_id))
        bodies = await self._list(keys=sets, args=[keys.case_prefix()])
        cases = [Case.model_validate_json(body) for body in bodies]
        return sorted(cases, key=lambda case: (case.created_at, case.number))

    @unavailable_on_redis_errors
    async def get_many(self, case_ids: Sequence[str]) -> builtins.list[Case]:
        ids = list(dict.fromkeys(case_ids))
        if not ids:
            return []
        async with self._r.pipeline(transaction=False) as pipe:
            for case_id in ids:
                pipe.hget(self._keys.case(case_id), "j")
            bodies = await pipe.execute()
        return [Case.model_validate_json(body) for body in bodies if body is not None]

    @unavailable_on_redis_errors
    async def filed_by(self, submitter_id: str, since: datetime, case_id: str) -> RecentFilings:
        """Her recent-filings set (at most an hour of them) and the case, pipelined."""
        async with self._r.pipeline(transaction=False) as pipe:
            pipe.zcount(self._keys.cases_filed(submitter_id), f"({to_micros(since)}", "+inf")
            pipe.hget(self._keys.case(case_id), "j")
            count, body = await pipe.execute()
        case = None if body is None else Case.model_validate_json(body)
        if case is not None and case.submitter.id != submitter_id:
            case = None
        return RecentFilings(int(count), None if case is None else bind_case(case))

    @unavailable_on_redis_errors
    async def idle(
        self, kind: ReminderKind, *, until: datetime | None = None, offset: int = 0, limit: int = 50
    ) -> IdlePage:
        """A count and one page, pipelined, never a scan. The whole index (`until` None, the
        overview's pages) is read by rank: ZCARD and ZRANGE start..stop find the offset through the
        skip list's spans, O(log n + limit) at any depth; a ZRANGEBYSCORE with LIMIT would walk
        every entry before the offset (~70 ms at offset 45,000, holding the server). A range up
        to `until` (what is overdue) is only ever read from its start: ZCOUNT and ZRANGEBYSCORE."""
        key = self._keys.cases_idle(kind.value)
        start = max(0, offset)
        async with self._r.pipeline(transaction=False) as pipe:
            if until is None:
                pipe.zcard(key)
                if limit > 0:
                    pipe.zrange(key, start, start + limit - 1, withscores=True)
            else:
                bound = to_micros(until)
                pipe.zcount(key, "-inf", bound)
                if limit > 0:
                    pipe.zrangebyscore(key, "-inf", bound, start=start, num=limit, withscores=True)
            answers = await pipe.execute()
        total = int(answers[0])
        rows = answers[1] if limit > 0 else []
        return IdlePage(total, [IdleEntry(case_id, from_micros(int(score))) for case_id, score in rows])
