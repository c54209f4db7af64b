"""The vendor's ServiceNow record: created by the bot (3.3 / 4.3 step 6) and read until the vendor
has answered (step 7). Only when SERVICENOW_INSTANCE_URL is set; the manual step stays.

`servicenow_create` runs after an admin clicked *Skapa ärende i ServiceNow* (the click only
records the request; Teams gives a card action 5 s). It looks for a record carrying the case's
correlation id first and creates one only when there is none, so a retry, a second replica or a
second request never makes two tickets. The number is recorded through the state machine as
the bot (`domain.case.SYSTEM`), which writes the audit entry and updates the card. When an admin
typed a number by hand while the record was being made, the admin's number stays and the bot
records `servicenow_extra` with its own record's number: one line in the thread asks an admin to
close that record in ServiceNow.

`servicenow_poll` reads the record every SERVICENOW_POLL_MINUTES of business time while the case
waits for the vendor, one due item per case. When its state is resolved the bot records the
vendor's answer with the close notes; an admin then confirms the deletion, which closes the case.

Failures take the delivery path: transient ones are retried by the worker under its caps; a
permanent one, or retries run out, leaves a *leveransproblem* note (listed by `påminnelser`). A
failed create puts the case back on the manual step; a failed poll is simply asked again later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from adapters import metrics
from adapters.outbox_worker import DeadLetter, OutboxWorker, RetryLater
from adapters.servicenow import Record, ServiceNowClient, ServiceNowFailed
from cards.case_buttons import vendor_request
from domain.case import SYSTEM, Action, Case, CaseError, Event, Status
from domain.identity_guard import redact
from domain.ports import CaseFilter, DueItem, OutboxItem, VersionConflict
from domain.services import CaseService
from jobs.context import JobContext
from jobs.delivery import Problem, Recipient
from messages import text

log = logging.getLogger(__name__)

CREATE_KIND = "servicenow_create"
POLL_KIND = "servicenow_poll"
MAX_REPORT = 1_000  # characters of the close notes kept on the case
# Where a case stands once an admin has recorded the ticket by hand (a record of ours is extra).
_HAND_RECORDED = frozenset({Status.SENT_TO_VENDOR, Status.VENDOR_REPORTED, Status.CLOSED})


def poll_item_id(case_id: str) -> str:
    return f"{POLL_KIND}:{case_id}"


class ServiceNowJobs:
    def __init__(self, context: JobContext, client: ServiceNowClient) -> None:
        settings = context.settings
        self._client = client
        self._cases = context.stores.cases
        self._due = context.stores.due
        self._problems = context.deliveries.problems
        self._calendar = settings.business_calendar()
        self._poll_hours = settings.servicenow_poll_minutes / 60
        self._resolved = frozenset(settings.servicenow_resolved_states)
        self._fields = {
            "assignment_group": settings.servicenow_assignment_group,
            "category": settings.servicenow_category,
        }
        self._clock = context.clock
        self.service: CaseService | None = None  # set once the case service exists (app.py)
        self._wake: Callable[[], None] = lambda: None  # the worker's, once registered

    def register(self, worker: OutboxWorker) -> None:
        worker.register(CREATE_KIND, self.on_create)
        worker.register(POLL_KIND, self.on_poll)
        self._wake = worker.wake

    async def nudge(self, number: str, correlation_id: str) -> bool:
        """ServiceNow says `number` changed (adapters/servicenow_callback.py): read it now rather
        than at the next poll. Only the case the record names by its correlation id (the case id
        the bot wrote when it made the record) is looked at, and read only while it waits for the
        vendor on exactly that number: one store read, however many records ServiceNow calls
        about. A notice without a correlation id (a ticket made by hand has none) or naming no
        such case is not searched for; the caller logs one line and the case's own poll reads
        the record at its time. Nothing the caller sent is taken as the record's state."""
        case = await self._cases.get(correlation_id) if correlation_id else None
        if case is None or case.status is not Status.SENT_TO_VENDOR or case.servicenow_number != number:
            return False
        payload = {"kind": POLL_KIND, "case_id": case.id, "number": number, "sys_id": ""}
        await self._due.schedule(poll_item_id(case.id), self._clock(), payload)
        self._wake()
        return True

    def dead_letter_then(self, others: DeadLetter) -> DeadLetter:
        """The worker's dead-letter callback: ServiceNow items here, every other kind `others`."""

        async def dead_letter(item: DueItem, error: Exception, attempts: int) -> None:
            if not await self.gave_up(item, error, attempts):
                await others(item, error, attempts)

        return dead_letter

    async def close(self) -> None:
        await self._client.close()

    # --- planned with the case write (domain.services.CaseService `jobs`) -------------------------
    def planned(self, case: Case, event: Event) -> tuple[OutboxItem, ...]:
        """The ServiceNow work a recorded event starts; written in the same transaction."""
        if event.action is Action.REQUEST_SERVICENOW:
            payload = {"kind": CREATE_KIND, "case_id": case.id}
            return (OutboxItem(f"{CREATE_KIND}:{case.id}:{len(case.events)}", event.at, payload),)
        if event.status_after is Status.SENT_TO_VENDOR and event.action is not Action.SERVICENOW_EXTRA:
            return (self._poll(case.id, case.servicenow_number),)
        return ()

    def _poll(self, case_id: str, number: str, sys_id: str = "") -> OutboxItem:
        due_at = self._calendar.add_business_hours(self._clock(), self._poll_hours)
        payload = {"kind": POLL_KIND, "case_id": case_id, "number": number, "sys_id": sys_id}
        return OutboxItem(poll_item_id(case_id), due_at, payload)

    async def _schedule_poll(self, case_id: str, number: str, sys_id: str = "") -> None:
        item = self._poll(case_id, number, sys_id)
        await self._due.schedule(item.item_id, item.due_at, item.payload)

    async def catch_up(self) -> int:
        """At start: every case waiting for the vendor gets its poll (sent before ServiceNow was
        configured, or its poll item lost). Scheduling the same id again only moves it."""
        waiting = await self._cases.list(CaseFilter(status=Status.SENT_TO_VENDOR))
        for case in waiting:
            await self._schedule_poll(case.id, case.servicenow_number)
        return len(waiting)

    # --- the jobs ----------------------------------------------------------------------------------
    async def on_create(self, item: DueItem) -> None:
        case = await self._cases.get(str(item.payload.get("case_id")))
        if case is None:
            return
        if case.status is not Status.SERVICENOW_PENDING:  # recorded by hand meanwhile, or done before
            if "retry" in item.payload and case.status in _HAND_RECORDED:
                await self._after_lost_answer(case)
            return
        try:
            record = await self._client.find(correlation_id=case.id)
            if record is None:
                record = await self._client.create(self._new_record(case))
                metrics.servicenow_ticket("created")
                log.info("case %s: ServiceNow record %s created", case.number, record.number)
            else:
                log.info("case %s: ServiceNow record %s found (created before)", case.number, record.number)
        except ServiceNowFailed as failure:
            if not failure.permanent:
                raise  # the worker retries; `gave_up` runs when its caps are spent
            await self._create_failed(case, failure, failure)
            return
        if await self._record(case, Action.RECORD_SENT_TO_VENDOR, record.number):
            await self._schedule_poll(case.id, record.number, record.sys_id)  # the same item, now by sys_id
        else:  # the version check lost: an admin typed a number while the record was being made
            await self._extra(case.id, record)

    async def _after_lost_answer(self, case: Case) -> None:
        """An earlier try failed (its answer lost?) and an admin has typed a number since: a record
        of ours may exist all the same. Only then is ServiceNow asked; a transient failure here is
        retried, a permanent one only logged (the case itself is fine)."""
        try:
            record = await self._client.find(correlation_id=case.id)
        except ServiceNowFailed as failure:
            if not failure.permanent:
                raise
            log.warning("case %s: could not look for an extra ServiceNow record: %s", case.number, failure)
            return
        if record is not None:
            await self._extra(case.id, record)

    async def _extra(self, case_id: str, record: Record) -> None:
        """The bot's record lost the race with a number typed by hand: the case keeps the admin's
        ticket, and one line in its thread names ours so an admin closes it in ServiceNow. The bot
        does not close it itself: the vendor's group may already be acting on it, closing needs
        fields and rights each instance sets up differently, and which of two tickets the vendor
        should work on is a person's call."""
        case = await self._cases.get(case_id)
        if case is None or case.servicenow_number in ("", record.number):
            return  # purged, or the admin typed our own number: nothing extra exists
        if any(e.action is Action.SERVICENOW_EXTRA and e.detail == record.number for e in case.events):
            return  # said already (a rerun)
        log.warning(
            "case %s: ServiceNow record %s was created while %s was recorded by hand; %s is extra",
            case.number,
            record.number,
            case.servicenow_number,
            record.number,
        )
        metrics.servicenow_ticket("orphaned")
        await self._record(case, Action.SERVICENOW_EXTRA, record.number)  # a closed case: the log line only

    def _new_record(self, case: Case) -> dict[str, str]:
        fields = {
            "short_description": text("servicenow_short_description", "sv", number=case.number),
            "description": vendor_request(case),  # Patient ID: to ServiceNow only, never logged
            "correlation_id": case.id,
            "correlation_display": "Skyddad ID",
            **{name: value for name, value in self._fields.items() if value},
        }
        return fields

    async def on_poll(self, item: DueItem) -> None:
        case = await self._cases.get(str(item.payload.get("case_id")))
        number = str(item.payload.get("number") or "")
        if case is None or case.status is not Status.SENT_TO_VENDOR or case.servicenow_number != number:
            return  # the case moved on (confirmed by hand, a new ticket has its own poll)
        sys_id = str(item.payload.get("sys_id") or "")
        try:
            record = await self._client.get(sys_id) if sys_id else await self._client.find(number=number)
        except ServiceNowFailed as failure:
            if not failure.permanent:
                raise
            await self._report(case, "servicenow_poll", failure, key=f"servicenow-poll:{case.id}")
            await self._schedule_poll(case.id, number, sys_id)  # settings may be fixed meanwhile
            return
        if record is None:
            log.warning("case %s: ServiceNow has no %s in its table; not read again", case.number, number)
            return
        if record.state not in self._resolved:
            await self._schedule_poll(case.id, number, record.sys_id)
            return
        if await self._record(case, Action.RECORD_VENDOR_REPORT, _report_text(record)):
            metrics.servicenow_ticket("resolved")

    async def gave_up(self, item: DueItem, error: Exception, attempts: int) -> bool:
        """The worker's dead letter for ServiceNow items (True when it was one of ours)."""
        kind = item.payload.get("kind")
        if kind not in (CREATE_KIND, POLL_KIND):
            return False
        case = await self._cases.get(str(item.payload.get("case_id")))
        if case is None:
            return True
        what = "servicenow" if kind == CREATE_KIND else "servicenow_poll"
        problem = Problem(case.number, Recipient(f"{what}:{case.id}"), what)
        await self._problems.dead_letter(item, error, attempts, problem=problem)
        if kind == CREATE_KIND:
            await self._create_failed(case, error, None)
        else:  # the vendor may still answer: ask again at the next poll, retries counted afresh
            number, sys_id = str(item.payload.get("number") or ""), str(item.payload.get("sys_id") or "")
            await self._schedule_poll(case.id, number, sys_id)
        return True

    async def _create_failed(self, case: Case, error: Exception, permanent: ServiceNowFailed | None) -> None:
        """Back to the manual step, said in the thread and as a leveransproblem note (a dead
        letter's note is written by the caller)."""
        if permanent is not None:
            requests = sum(event.action is Action.REQUEST_SERVICENOW for event in case.events)
            await self._report(case, "servicenow", permanent, key=f"servicenow:{case.id}:{requests}")
        log.warning("case %s: the ServiceNow record could not be created: %s", case.number, error)
        # Our own words only (never a response body): "ServiceNow HTTP 403", "ServiceNow timed out".
        reason = str(error)[:80] if isinstance(error, ServiceNowFailed) else type(error).__name__
        await self._record(case, Action.SERVICENOW_FAILED, reason)

    async def _report(self, case: Case, what: str, failure: ServiceNowFailed, *, key: str) -> None:
        await self._problems.report(Problem(case.number, Recipient(key), what), failure)

    async def _record(self, case: Case, action: Action, detail: str) -> bool:
        """Record `action` as the bot on the newest version of the case (an admin may click
        meanwhile: a conflict re-reads; a step the case no longer allows is logged and dropped).
        True when it was recorded."""
        assert self.service is not None, "app.py sets the case service"
        for _ in range(5):
            try:
                await self.service.act(case, action, SYSTEM, "", detail=detail)
                return True
            except VersionConflict:
                fresh = await self._cases.get(case.id)
                if fresh is None:
                    return False
                case = fresh
            except CaseError as error:
                log.warning("case %s: %s not recorded (%s)", case.number, action.value, error.code)
                return False
        raise RetryLater("the case kept changing", delay=timedelta(seconds=5))


def _report_text(record: Record) -> str:
    """The vendor's close notes as the case keeps them: an identity number never (the guard's
    detector masks it), and bounded. Masked again once on one line: a number broken over a line
    break is none to the detector until the line breaks become spaces."""
    notes = redact(" ".join(redact(record.close_notes).split()))
    return notes[:MAX_REPORT] or "–"
