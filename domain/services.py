"""Use cases over the stores: file a case, act on it, list a user's cases.

Side effects that leave the turn (posting the case card, notifying the submitter, reminders)
go through the outbox: an item in the store's due index that the background worker sends.
That keeps every turn fast (Teams' 5 s budget for card actions) and loses nothing when a
replica dies between the state change and the message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from domain.business_time import BusinessCalendar
from domain.case import Action, Case, CaseError, Event, OrgKind, Person, Status
from domain.clock import Clock
from domain.intake import IntakeDraft
from domain.ports import (
    FILING_WINDOW,
    AuditEntry,
    AuditLog,
    CaseFilter,
    CaseRepository,
    DueIndex,
    FollowUps,
    OutboxItem,
    StatCount,
    StoreUnavailable,
    VersionConflict,
    WriteOutcomeUnknown,
)
from domain.statistics import event_counts, filing_counts


class IntakeLimitReached(Exception):
    """The submitter filed as many cases in the last hour as the cap allows; nothing was filed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"intake limit of {limit} cases per hour reached")
        self.limit = limit


class Outbox:
    """Work for the background worker, due now; the item id makes a repeat a no-op."""

    def __init__(self, due: DueIndex, clock: Clock, wake: Callable[[], None] = lambda: None) -> None:
        self._due = due
        self._clock = clock
        self._wake = wake  # tells this replica's worker there is work, so it need not wait to poll

    async def put(self, item_id: str, kind: str, *, at: datetime | None = None, **payload: Any) -> None:
        item = self.item(item_id, kind, at=at, **payload)
        await self._due.schedule(item.item_id, item.due_at, item.payload)
        self._wake()

    def item(self, item_id: str, kind: str, *, at: datetime | None = None, **payload: Any) -> OutboxItem:
        """The item `put` would write, for a case write that stores it in the same transaction."""
        return OutboxItem(f"{kind}:{item_id}", at or self._clock(), {"kind": kind, **payload})

    def wake(self) -> None:
        self._wake()


async def _nothing(case: Case) -> None:
    return None


def _no_plan(case: Case) -> OutboxItem | None:
    return None


def _no_jobs(case: Case, event: Event) -> tuple[OutboxItem, ...]:
    return ()


class CaseService:
    def __init__(
        self,
        cases: CaseRepository,
        audit: AuditLog,
        outbox: Outbox,
        clock: Clock,
        *,
        forwarding_municipalities: frozenset[str] = frozenset(),
        after_change: Callable[[Case], Awaitable[None]] | None = None,
        plan: Callable[[Case], OutboxItem | None] | None = None,
        intakes_per_hour: int = 0,
        calendar: BusinessCalendar | None = None,
        jobs: Callable[[Case, Event], tuple[OutboxItem, ...]] | None = None,
    ) -> None:
        self.cases = cases
        self._audit = audit
        self._outbox = outbox
        self._clock = clock
        # Municipalities whose cases go to their own administration's channel first (3.2 / 4.2).
        self._forwarding = forwarding_municipalities
        # Runs after every filing and action with the stored case: ReminderPlanner.after_change.
        self._after_change = after_change or _nothing
        # The reminder a stored case needs next (ReminderPlanner.planned): written with the case.
        self._plan = plan or _no_plan
        self._intakes_per_hour = intakes_per_hour  # 0 = no cap
        self._calendar = calendar or BusinessCalendar()  # statistics count business hours
        # Further work an event starts (the ServiceNow jobs): written with the case, atomically.
        self._jobs = jobs or _no_jobs

    async def file(
        self, draft: IntakeDraft, submitter: Person, conversation_id: str, *, capped: bool = False
    ) -> tuple[Case, bool]:
        """Create the case from a complete draft; (case, False) when it was filed before.

        The case, its audit entry, the outbox item that posts it and its first reminder are one
        write: a retried Skicka after a lost reply finds all of it, never half. A repeat is
        found without a read of its own: in the cap's read of her recent filings, or by the
        create's conflict."""
        now = self._clock()
        if capped:  # a person's Skicka (the intake); imports and drills file uncapped
            earlier = await self._check_intake_cap(submitter, now, draft.draft_id)
            if earlier is not None:
                return earlier, False
        new = draft.to_case(submitter, now)
        if new.organisation.kind is OrgKind.MUNICIPALITY and new.organisation.name in self._forwarding:
            new.status = Status.AWAITING_FORWARD  # the starting state, not a transition: no event
        filed = AuditEntry(
            case_id=new.id, at=now, actor=submitter, what="filed", conversation_id=conversation_id
        )
        item = self._outbox.item(new.id, "case_filed", case_id=new.id)
        follow = self._follow_ups(new, filed, item, filing_counts(new))
        try:
            case = await _outcome_unknown_on_outage(self.cases.create(new, follow))
        except VersionConflict:  # a second click filed the same draft a moment earlier
            existing = await self.cases.get(draft.draft_id)
            if existing is None:
                raise
            return existing, False
        self._outbox.wake()
        await self._after_change(case)
        return case, True

    async def act(
        self,
        case: Case,
        action: Action,
        actor: Person,
        conversation_id: str,
        *,
        detail: str = "",
        target: Person | None = None,
    ) -> tuple[Case, Event]:
        """Apply one action to the version the caller read. Raises CaseError when the state
        does not allow it and VersionConflict when someone else wrote first. The case, its audit
        entry, the outbox item and the next reminder are written together or not at all."""
        event = case.apply(action, actor, self._clock(), detail=detail, target=target)
        next_version = case.version + 1
        audit = AuditEntry(
            case_id=case.id,
            at=event.at,
            actor=actor,
            what=action.value,
            conversation_id=conversation_id,
            detail=event.detail,
        )
        changed = self._outbox.item(
            f"{case.id}:{next_version}", "case_changed", case_id=case.id, version=next_version
        )
        stats = event_counts(case, len(case.events) - 1, self._calendar)
        stored = case.model_copy(update={"version": next_version})
        follow = self._follow_ups(stored, audit, changed, stats, self._jobs(stored, event))
        saved = await _outcome_unknown_on_outage(self.cases.update(case, follow))
        self._outbox.wake()
        await self._after_change(saved)
        return saved, event

    async def _check_intake_cap(self, submitter: Person, now: datetime, case_id: str) -> Case | None:
        """At most `intakes_per_hour` cases per person in any hour, counted in the store so every
        replica sees the same count (a checked-then-filed race can exceed it by a case or two).
        Returns the case `case_id` when it is among them (this Skicka was filed before)."""
        if not self._intakes_per_hour:
            return None
        # A bounded read: her filings of the last hour, not every case she ever filed (that
        # list grew with each case and was read on every Skicka).
        recent = await self.cases.filed_by(submitter.id, now - FILING_WINDOW, case_id)
        if recent.case is None and recent.count >= self._intakes_per_hour:
            raise IntakeLimitReached(self._intakes_per_hour)
        return recent.case

    def _follow_ups(
        self,
        stored: Case,
        audit: AuditEntry,
        item: OutboxItem,
        stats: tuple[StatCount, ...],
        more: tuple[OutboxItem, ...] = (),
    ) -> FollowUps:
        reminder = self._plan(stored)
        due = (item, *more) if reminder is None else (item, reminder, *more)
        return FollowUps(audit=(audit,), due=due, stats=stats)

    async def refuse(self, case_id: str, actor: Person, conversation_id: str, reason: str) -> None:
        """Record an action that was refused (wrong conversation, not an admin): changes nothing."""
        await self._audit.append(
            AuditEntry(
                case_id=case_id,
                at=self._clock(),
                actor=actor,
                what="refused",
                conversation_id=conversation_id,
                detail=reason,
            )
        )

    async def withdraw(self, number: str, submitter: Person, conversation_id: str) -> Case:
        case = await self.cases.get_by_number(number)
        if case is None or case.submitter.id != submitter.id:
            raise CaseError("no_such_case")
        saved, _ = await self.act(case, Action.WITHDRAW, submitter, conversation_id)
        return saved

    async def submitted_by(self, submitter: Person) -> list[Case]:
        cases = await self.cases.list(CaseFilter(submitter_id=submitter.id))
        return sorted(cases, key=lambda c: c.created_at, reverse=True)


async def _outcome_unknown_on_outage(write: Awaitable[Case]) -> Case:
    """A store outage during a write: we cannot tell whether it landed (a lost reply)."""
    try:
        return await write
    except WriteOutcomeUnknown:
        raise
    except StoreUnavailable as exc:
        raise WriteOutcomeUnknown(str(exc)) from exc
