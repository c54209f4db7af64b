"""When an idle case should nudge someone: a pure policy over business time.

A case's idle period starts at `case.updated_at`, the last recorded action. Reminder N of that
period is due `first + (N - 1) * every` business time after it; from the `escalate_from`-th on
(default the 2nd: the case is overdue twice) the reminder also @mentions the admin leads.

This module only says *when*; `domain/reminder_schedule.py` says how the due index is used: an
item per reminder (its id is the idempotency key), scheduled after every filing and action, and
dropped when it fires if the case has moved to another idle period since. `idempotency_key`
makes a retried send (after a crash or a lease expiry) post nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.business_time import BusinessCalendar, require_aware
from domain.case import Case, Status


class ReminderKind(StrEnum):
    UNASSIGNED = "unassigned"  # nobody took it: the central channel
    STEP_IDLE = "step_idle"  # the assignee's next step waits: 1:1 chat and the case thread
    VENDOR_WAIT = "vendor_wait"  # sent to the vendor, no confirmation: assignee chases ServiceNow
    AWAITING_FORWARD = "awaiting_forward"  # still in a municipality's channel: that channel


@dataclass(frozen=True)
class BusinessSpan:
    """An amount of business time: whole or part office days plus hours."""

    days: float = 0.0
    hours: float = 0.0

    def __post_init__(self) -> None:
        if self.days < 0 or self.hours < 0:
            raise ValueError(f"business spans cannot be negative: {self}")

    def in_hours(self, calendar: BusinessCalendar) -> float:
        # Days, not fixed hours, so "daily" stays daily if the office hours are configured.
        return self.days * calendar.day_hours + self.hours


@dataclass(frozen=True)
class Cadence:
    """The first reminder `first` after the idle period starts, then one every `every`."""

    first: BusinessSpan
    every: BusinessSpan

    def __post_init__(self) -> None:
        if self.every.days <= 0 and self.every.hours <= 0:
            raise ValueError("a cadence must repeat after some business time")


@dataclass(frozen=True)
class ReminderPolicy:
    """The thresholds per kind; the defaults are the central team's agreed ones."""

    unassigned: Cadence = Cadence(BusinessSpan(hours=4), BusinessSpan(days=1))
    step_idle: Cadence = Cadence(BusinessSpan(days=1), BusinessSpan(days=1))
    vendor_wait: Cadence = Cadence(BusinessSpan(days=3), BusinessSpan(days=2))
    awaiting_forward: Cadence = Cadence(BusinessSpan(hours=4), BusinessSpan(days=1))
    escalate_from: int = 2  # this reminder and later ones of a period @mention the admin leads

    def __post_init__(self) -> None:
        if self.escalate_from < 1:
            raise ValueError("escalate_from counts reminders from 1")

    def cadence(self, kind: ReminderKind) -> Cadence:
        return {
            ReminderKind.UNASSIGNED: self.unassigned,
            ReminderKind.STEP_IDLE: self.step_idle,
            ReminderKind.VENDOR_WAIT: self.vendor_wait,
            ReminderKind.AWAITING_FORWARD: self.awaiting_forward,
        }[kind]


@dataclass(frozen=True)
class Reminder:
    case_id: str
    kind: ReminderKind
    due_at: datetime  # UTC
    sequence: int  # 1 for the first reminder of this idle period
    escalate: bool
    idempotency_key: str


def reminder_kind(case: Case) -> ReminderKind | None:
    """Which reminder an idle case earns in its current state; None once it is final."""
    if not case.is_open:
        return None
    if case.status is Status.AWAITING_FORWARD:
        return ReminderKind.AWAITING_FORWARD
    if case.assignee is None:
        # Checked before the vendor wait: an unassigned case has nobody to chase ServiceNow.
        return ReminderKind.UNASSIGNED
    if case.status is Status.SENT_TO_VENDOR:
        return ReminderKind.VENDOR_WAIT
    return ReminderKind.STEP_IDLE


def reminder_key(case_id: str, version: int, kind: ReminderKind, sequence: int) -> str:
    """The sender's de-duplication key: a retry after a crash rebuilds the same one."""
    return f"reminder:{case_id}:v{version}:{kind.value}:{sequence}"


def next_reminder(
    case: Case, calendar: BusinessCalendar, policy: ReminderPolicy, *, after_sequence: int = 0
) -> Reminder | None:
    """The reminder that follows reminder `after_sequence` of the case's current idle period.

    Args:
        case: The case as last stored; its `updated_at` starts the idle period.
        calendar: Office hours and days off that business time is counted in.
        policy: The thresholds.
        after_sequence: 0 for the first reminder, N for the one after reminder N was sent.

    Returns:
        The reminder, due in UTC, or None for a closed, rejected or withdrawn case.
    """
    if after_sequence < 0:
        raise ValueError(f"after_sequence must be 0 or more, got {after_sequence}")
    kind = reminder_kind(case)
    if kind is None:
        return None
    sequence = after_sequence + 1
    return Reminder(
        case_id=case.id,
        kind=kind,
        due_at=_due_at(case, kind, sequence, calendar, policy),
        sequence=sequence,
        escalate=sequence >= policy.escalate_from,
        idempotency_key=reminder_key(case.id, case.version, kind, sequence),
    )


def overdue_summary(
    cases: Iterable[Case], now: datetime, calendar: BusinessCalendar, policy: ReminderPolicy
) -> list[tuple[Case, ReminderKind, float]]:
    """Open cases whose first reminder is due by `now`, most overdue first.

    The float is business hours past that first due time; it can be 0.0 when the reminder fell
    due at closing time and the office has not opened since. Ties keep the earlier due first.
    """
    require_aware(now)
    rows: list[tuple[datetime, Case, ReminderKind, float]] = []
    for case in cases:
        kind = reminder_kind(case)
        if kind is None:
            continue
        due = _due_at(case, kind, 1, calendar, policy)
        if due <= now:
            rows.append((due, case, kind, calendar.business_hours_between(due, now)))
    # Ties as the stores' idle index orders them (domain/queue.py reads that index).
    rows.sort(key=lambda row: (-row[3], row[0], row[1].updated_at, row[1].id))
    return [(case, kind, hours) for _, case, kind, hours in rows]


@dataclass(frozen=True)
class ReminderOutlook:
    """What the case card shows: how far past its first reminder a case is, and the next one."""

    kind: ReminderKind
    overdue_hours: float | None  # business hours past the first reminder; None = not yet due
    next_due: datetime


def reminder_outlook(
    case: Case, now: datetime, calendar: BusinessCalendar, policy: ReminderPolicy
) -> ReminderOutlook | None:
    """None for a final case; otherwise the overdue time and the next reminder after `now`."""
    require_aware(now)
    kind = reminder_kind(case)
    if kind is None:
        return None
    first = _due_at(case, kind, 1, calendar, policy)
    if first > now:
        return ReminderOutlook(kind, None, first)
    overdue = calendar.business_hours_between(first, now)
    # Jump close to the next one in the series instead of walking every reminder since.
    sequence = int(overdue // policy.cadence(kind).every.in_hours(calendar)) + 1
    while (due := _due_at(case, kind, sequence, calendar, policy)) <= now:
        sequence += 1
    return ReminderOutlook(kind, overdue, due)


def _due_at(
    case: Case, kind: ReminderKind, sequence: int, calendar: BusinessCalendar, policy: ReminderPolicy
) -> datetime:
    # Counted from the start of the period each time, so a late send never shifts the series.
    cadence = policy.cadence(kind)
    hours = cadence.first.in_hours(calendar) + (sequence - 1) * cadence.every.in_hours(calendar)
    return calendar.add_business_hours(case.updated_at, hours)
