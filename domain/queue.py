"""The central team's queue, read from the stores' idle index instead of every open case.

A case's urgency is when its first reminder falls (or fell) due: `first` business hours of its
reminder kind after the start of its idle period (`updated_at`). Within one kind that due time
grows with `updated_at`, so each kind's index is already in urgency order, and the whole queue is
a merge of four short sorted runs. "Overdue by now" is one range per kind, bounded by
`BusinessCalendar.latest_start`. Work per request is O(kinds x (offset + limit)) index entries
plus the bodies of the cases shown; it does not grow with the number of open cases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.business_time import BusinessCalendar, require_aware
from domain.case import Case
from domain.ports import CaseRepository, IdleEntry
from domain.reminders import ReminderKind, ReminderPolicy


@dataclass(frozen=True)
class QueueRow:
    case: Case
    kind: ReminderKind
    due_at: datetime  # the first reminder of the current idle period (UTC)
    overdue_hours: float | None  # business hours past `due_at`; None while not yet due
    age_hours: float  # business hours since the case was filed


@dataclass(frozen=True)
class QueuePage:
    open_total: int  # every open case
    overdue_total: int  # open cases whose first reminder is due
    rows: list[QueueRow]  # this page, most urgent first


# Where a window of the queue starts: how many entries of each kind's index lie before it. A
# window read from a cursor costs the same at any depth: `limit` entries per kind, never the
# `offset + limit` a single global offset would need.
Cursor = Mapping[ReminderKind, int]
START: Cursor = {kind: 0 for kind in ReminderKind}


@dataclass(frozen=True)
class QueueWindow:
    open_total: int  # every open case
    overdue_total: int  # open cases whose first reminder is due
    position: int  # how many open cases come before this window (its first row is position + 1)
    rows: list[QueueRow]  # this window, most urgent first
    following: dict[ReminderKind, int] | None  # the next window's cursor; None at the end
    preceding: dict[ReminderKind, int] | None  # the previous window's cursor; None at the start


class CaseQueue:
    def __init__(self, cases: CaseRepository, calendar: BusinessCalendar, policy: ReminderPolicy) -> None:
        self._cases = cases
        self.calendar = calendar
        self.policy = policy

    def _first_hours(self, kind: ReminderKind) -> float:
        return self.policy.cadence(kind).first.in_hours(self.calendar)

    async def overdue(self, now: datetime, limit: int) -> QueuePage:
        """Open cases whose first reminder is due by `now`, most overdue first (`limit` of them)."""
        require_aware(now)
        totals, candidates = 0, []
        for kind in ReminderKind:
            until = self.calendar.latest_start(now, self._first_hours(kind))
            page = await self._cases.idle(kind, until=until, limit=limit)
            totals += page.total
            candidates += [(kind, entry) for entry in page.entries]
        rows = await self._rows(candidates, now, limit)
        open_total = await self._open_total()
        return QueuePage(open_total, totals, rows)

    async def window(self, now: datetime, start: Cursor, limit: int) -> QueueWindow:
        """`limit` open cases from `start`, most urgent first, with the cursors of the windows
        before and after it. Each kind's index is already in urgency order, so the window is a
        merge of the next `limit` entries of each kind (and the previous window a merge of the
        `limit` entries before the cursor): 3 index reads per kind and one body read, whatever
        the depth and however many cases are open."""
        require_aware(now)
        cursor = {kind: max(0, start.get(kind, 0)) for kind in ReminderKind}
        ahead: list[tuple[ReminderKind, IdleEntry]] = []
        behind: list[tuple[ReminderKind, IdleEntry]] = []
        open_total = overdue_total = 0
        for kind in ReminderKind:
            page = await self._cases.idle(kind, offset=cursor[kind], limit=limit)
            open_total += page.total
            cursor[kind] = min(cursor[kind], page.total)  # a stale or made-up cursor: at most the end
            ahead += [(kind, entry) for entry in page.entries]
            until = self.calendar.latest_start(now, self._first_hours(kind))
            overdue_total += (await self._cases.idle(kind, until=until, limit=0)).total
            if cursor[kind]:
                back = min(limit, cursor[kind])
                before = await self._cases.idle(kind, offset=cursor[kind] - back, limit=back)
                behind += [(kind, entry) for entry in before.entries]
        shown = self._rank(ahead)[:limit]
        following = dict(cursor)
        for kind, _ in shown:
            following[kind] += 1
        previous = dict(cursor)
        for kind, _ in self._rank(behind)[-limit:] if behind else []:
            previous[kind] -= 1
        position = sum(cursor.values())
        return QueueWindow(
            open_total=open_total,
            overdue_total=overdue_total,
            position=position,
            rows=await self._rows(shown, now, limit),
            following=following if sum(following.values()) < open_total else None,
            preceding=previous if position else None,
        )

    async def _open_total(self) -> int:
        return sum([(await self._cases.idle(kind, limit=0)).total for kind in ReminderKind])

    def _rank(self, candidates: list[tuple[ReminderKind, IdleEntry]]) -> list[tuple[ReminderKind, IdleEntry]]:
        def urgency(item: tuple[ReminderKind, IdleEntry]) -> tuple[datetime, datetime, str]:
            kind, entry = item
            due = self.calendar.add_business_hours(entry.idle_since, self._first_hours(kind))
            return due, entry.idle_since, entry.case_id

        return sorted(candidates, key=urgency)

    async def _rows(
        self, candidates: list[tuple[ReminderKind, IdleEntry]], now: datetime, limit: int
    ) -> list[QueueRow]:
        chosen = self._rank(candidates)[:limit]
        found = {case.id: case for case in await self._cases.get_many([e.case_id for _, e in chosen])}
        rows = []
        for kind, entry in chosen:
            case = found.get(entry.case_id)
            if case is None:  # deleted between the index read and the body read
                continue
            due = self.calendar.add_business_hours(entry.idle_since, self._first_hours(kind))
            overdue = self.calendar.business_hours_between(due, now) if due <= now else None
            age = self.calendar.business_hours_between(case.created_at, now)
            rows.append(QueueRow(case, kind, due, overdue, age))
        return rows
