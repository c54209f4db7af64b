"""What a case contributes to the statistics, as counter increments: pure, per event.

The stores keep the statistics as counters per Stockholm month (`StatCount`), added in the same
atomic write as the case change that causes them, so they cannot drift from the cases and never
depend on reading every case (a purged case has already counted). The counters are:

- `filed|<kind>|<organisation>`: cases filed that month;
- `ended|<status>|<kind>`: cases that ended that month (closed, rejected, withdrawn);
- `day|filed|<dd>`, `day|<status>|<dd>`: the same per day of the month (the weekly digest);
- `h|<metric>|<bucket>`: a histogram of business-hour durations completed that month.

Durations go into fixed, geometric buckets (`EDGES`, 25 % apart) rather than lists of values: a
month's histogram has at most 44 counters per metric whatever the number of cases, so a report
reads a bounded amount, and a percentile read from it is off by at most one bucket's width.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import datetime

from domain.business_time import BusinessCalendar
from domain.case import ASSIGNMENT_ACTIONS, FINAL_STATUSES, Action, Case, Event
from domain.clock import STOCKHOLM
from domain.ports import StatCount

# Bucket b holds durations in [EDGES[b-1], EDGES[b]) business hours; bucket 0 is [0, 0.25) and
# the last one is open-ended (from ~3,300 h, about a year of office time).
EDGES: tuple[float, ...] = tuple(0.25 * 1.25**k for k in range(43))

TAKE = "take"  # filed (or forwarded) → first taken by a handläggare
FORWARD = "forward"  # in the municipality's channel → forwarded to the central team
VENDOR = "vendor"  # sent to the vendor → the vendor confirmed the deletion
LEAD = "lead"  # filed → closed, end to end

_HAND_OVERS = frozenset({Action.REASSIGN, Action.UNASSIGN})
# What the bot records around the vendor step (ServiceNow): neither a step of its own nor the
# start of one, so "sent to the vendor" is measured from the process closed, as by hand.
_BY_THE_BOT = frozenset(
    {
        Action.REQUEST_SERVICENOW,
        Action.SERVICENOW_FAILED,
        Action.RECORD_VENDOR_REPORT,
        Action.SERVICENOW_EXTRA,
    }
)

# The per-step metrics, in the order of the process (3.3 / 4.3), then the whole case.
METRICS: tuple[str, ...] = (
    FORWARD,
    TAKE,
    Action.RECORD_CALL.value,
    Action.RECORD_ADDRESS_UPDATE.value,
    Action.CONFIRM_PROTECTED.value,
    Action.RECORD_PROCESS_CLOSED.value,
    Action.RECORD_SENT_TO_VENDOR.value,
    VENDOR,
    LEAD,
)


def month_of(at: datetime) -> str:
    """The Stockholm month an instant falls in: '2026-11'."""
    return at.astimezone(STOCKHOLM).strftime("%Y-%m")


def day_of(at: datetime) -> str:
    return at.astimezone(STOCKHOLM).strftime("%d")


def bucket_of(hours: float) -> int:
    return bisect_right(EDGES, max(0.0, hours))


def bucket_bounds(bucket: int) -> tuple[float, float]:
    """[low, high) of a bucket; the open last bucket reports its low edge as both."""
    low = 0.0 if bucket == 0 else EDGES[bucket - 1]
    high = EDGES[bucket] if bucket < len(EDGES) else low
    return low, high


def filing_counts(case: Case) -> tuple[StatCount, ...]:
    """A new case: filed that month, by type and organisation, and on that day."""
    month = month_of(case.created_at)
    return (
        StatCount(month, f"filed|{case.kind.value}|{case.organisation.name}"),
        StatCount(month, f"day|filed|{day_of(case.created_at)}"),
    )


def event_counts(case: Case, index: int, calendar: BusinessCalendar) -> tuple[StatCount, ...]:
    """What `case.events[index]` adds, given the events before it."""
    event = case.events[index]
    earlier = case.events[:index]
    month = month_of(event.at)
    counts: list[StatCount] = []
    metric = _metric(event, earlier)
    if metric is not None:
        hours = calendar.business_hours_between(_step_started(case, earlier), event.at)
        counts.append(StatCount(month, f"h|{metric}|{bucket_of(hours)}"))
    if event.status_after in FINAL_STATUSES:
        status = event.status_after.value
        counts.append(StatCount(month, f"ended|{status}|{case.kind.value}"))
        counts.append(StatCount(month, f"day|{status}|{day_of(event.at)}"))
        if status == "closed":
            hours = calendar.business_hours_between(case.created_at, event.at)
            counts.append(StatCount(month, f"h|{LEAD}|{bucket_of(hours)}"))
    return tuple(counts)


def case_counts(case: Case, calendar: BusinessCalendar) -> tuple[StatCount, ...]:
    """Everything a stored case has contributed so far (the backfill of cases filed before the
    statistics existed): its filing and each of its events, as if counted when they happened."""
    return (*filing_counts(case), *_each_event(case, calendar))


def _each_event(case: Case, calendar: BusinessCalendar) -> Iterator[StatCount]:
    for index in range(len(case.events)):
        yield from event_counts(case, index, calendar)


def _metric(event: Event, earlier: list[Event]) -> str | None:
    if event.action is Action.TAKE:
        # Only the first take measures the wait for a handläggare; later ones are hand-overs.
        return TAKE if not any(e.action is Action.TAKE for e in earlier) else None
    if event.action is Action.FORWARD:
        return FORWARD
    if event.action is Action.RECORD_VENDOR_CONFIRMED:
        return VENDOR
    if event.action in (Action.WITHDRAW, Action.CLOSE, Action.REJECT_NOT_PROTECTED):
        return None
    if event.action in ASSIGNMENT_ACTIONS or event.action in _BY_THE_BOT:
        return None
    return event.action.value


def _step_started(case: Case, earlier: list[Event]) -> datetime:
    """When this step could start: the last earlier step, forward or take (a reassignment hands
    the same step over and does not restart it), else the filing."""
    for event in reversed(earlier):
        if event.action not in _HAND_OVERS and event.action not in _BY_THE_BOT:
            return event.at
    return case.created_at
