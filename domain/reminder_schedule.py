"""How reminders ride on the store's due index: one due item per reminder, never cancelled.

After every `CaseService.file` and `act`, `ReminderPlanner.after_change` schedules
`next_reminder(case)` as a due item whose id is the reminder's idempotency key
("reminder:{case}:v{version}:{kind}:{sequence}") and whose payload (kind "reminder") names the
idle period it belongs to. When the item fires, the reminder handler re-reads the case and asks
`is_current`; when the case has moved on, the item is **dropped when it fires** (completed without
sending). Otherwise it sends, de-duplicating on the key, and schedules `follow_up`.

Why nothing is cancelled and every reminder has its own item id: every write is then a plain
schedule. With one item per case, a handler scheduling reminder N+1 could overwrite the item an
action had just scheduled for the new period (the reminder would be lost), and completing the
claimed item could delete its own follow-up. Stale items cost one read each when they fire.

An idle period is identified by the number of recorded events (only `Case.apply` appends one)
and the reminder kind. Its keys hold `case.version`, which moves only with an action (where the
card lives in Teams is routing's own record, not a write of the case), so a follow-up has the
id a retried handler would give it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.business_time import BusinessCalendar
from domain.case import Case
from domain.ports import DueIndex, OutboxItem
from domain.reminders import (
    BusinessSpan,
    ReminderKind,
    ReminderPolicy,
    next_reminder,
    reminder_key,
    reminder_kind,
)

PAYLOAD_KIND = "reminder"  # the outbox worker's handler key


@dataclass(frozen=True)
class ScheduledReminder:
    """A reminder as it sits in the due index (the payload is what the handler gets back)."""

    case_id: str
    kind: ReminderKind
    sequence: int
    escalate: bool
    key: str  # idempotency key and due-item id
    period: int  # how many events the case had when this idle period began
    due_at: datetime

    @property
    def item_id(self) -> str:
        return self.key

    def payload(self) -> dict[str, Any]:
        return {
            "kind": PAYLOAD_KIND,
            "case_id": self.case_id,
            "sequence": self.sequence,
            "reminder": self.kind.value,
            "escalate": self.escalate,
            "key": self.key,
            "period": self.period,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any], due_at: datetime) -> ScheduledReminder:
        """Raises ValueError for a payload this code did not write (the handler drops it)."""
        try:
            return cls(
                case_id=str(payload["case_id"]),
                kind=ReminderKind(payload["reminder"]),
                sequence=int(payload["sequence"]),
                escalate=bool(payload["escalate"]),
                key=str(payload["key"]),
                period=int(payload["period"]),
                due_at=due_at,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a reminder payload: {error!r}") from None


def plan_reminder(
    case: Case,
    calendar: BusinessCalendar,
    policy: ReminderPolicy,
    *,
    after_sequence: int = 0,
) -> ScheduledReminder | None:
    """The due item for `next_reminder(case, after_sequence=...)`; None for a final case."""
    reminder = next_reminder(case, calendar, policy, after_sequence=after_sequence)
    if reminder is None:
        return None
    return ScheduledReminder(
        case_id=case.id,
        kind=reminder.kind,
        sequence=reminder.sequence,
        escalate=reminder.escalate,
        key=reminder_key(case.id, case.version, reminder.kind, reminder.sequence),
        period=len(case.events),
        due_at=reminder.due_at,
    )


def is_current(case: Case, reminder: ScheduledReminder) -> bool:
    """False when the case moved on since the reminder was planned: an action was recorded
    (which also covers closing, withdrawing and a change of assignee) or its kind changed."""
    return (
        case.id == reminder.case_id
        and len(case.events) == reminder.period
        and reminder_kind(case) is reminder.kind
    )


def follow_up(
    case: Case, sent: ScheduledReminder, calendar: BusinessCalendar, policy: ReminderPolicy
) -> ScheduledReminder | None:
    """The next reminder of the same idle period, after `sent` went out."""
    return plan_reminder(case, calendar, policy, after_sequence=sent.sequence)


class ReminderPlanner:
    """Writes planned reminders to the due index; CaseService calls `after_change`."""

    def __init__(self, due: DueIndex, calendar: BusinessCalendar, policy: ReminderPolicy) -> None:
        self._due = due
        self.calendar = calendar
        self.policy = policy

    def planned(self, case: Case) -> OutboxItem | None:
        """The reminder item `case` needs next, for CaseService to store with the case itself."""
        planned = plan_reminder(case, self.calendar, self.policy)
        return None if planned is None else OutboxItem(planned.item_id, planned.due_at, planned.payload())

    async def after_change(self, case: Case) -> None:
        """Start the reminders of the idle period a file or an action just began."""
        planned = plan_reminder(case, self.calendar, self.policy)
        if planned is not None:
            await self.schedule(planned)

    async def schedule(self, planned: ScheduledReminder) -> None:
        # Same id = same item, so a retried handler re-scheduling its follow-up is harmless.
        await self._due.schedule(planned.item_id, planned.due_at, planned.payload())


_SPAN = re.compile(r"(?:(?P<days>\d+(?:\.\d+)?)d)?(?:(?P<hours>\d+(?:\.\d+)?)h)?")


def parse_span(text: str) -> BusinessSpan:
    """ "4h", "1d", "1.5d", "1d4h" (business days and hours) → BusinessSpan; ValueError otherwise."""
    match = _SPAN.fullmatch(text.strip().lower().replace(" ", ""))
    if not text.strip() or match is None:
        raise ValueError(f"{text!r} is not a business-time span like 4h, 1d or 1d4h")
    return BusinessSpan(days=float(match["days"] or 0), hours=float(match["hours"] or 0))


def format_span(span: BusinessSpan) -> str:
    """The inverse of `parse_span`, for defaults shown in settings: BusinessSpan(hours=4) → "4h"."""
    parts = [f"{value:g}{unit}" for value, unit in ((span.days, "d"), (span.hours, "h")) if value]
    return "".join(parts) or "0h"
