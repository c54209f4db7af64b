"""What happens when a proactive message cannot be delivered: the jobs' one failure path.

Jobs send through `Deliveries`. A permanent failure (bot removed, conversation gone, no stored
reference) is recorded once per recipient, announced once as a *leveransproblem* note in the
central channel — who could not be reached, for which case, and what to do — and the job goes
on: nothing is retried. A transient failure raises `Undelivered`, which the outbox worker
retries under its one policy; when that runs out the worker calls `dead_letter`, which records
and announces it the same way. `@bot påminnelser` lists the records (`recent`).

Records live in one bounded document (newest `MAX_RECORDS`, none older than `RECORD_DAYS`), so
they cannot grow with the number of messages. Texts carry case numbers, never patient ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from botbuilder.schema import Activity, ActivityTypes

from adapters.outbox_worker import CallFailed
from adapters.proactive import DeliveryFailed
from adapters.store_keys import DocumentKeys, SendKeys
from domain.case import Case
from domain.clock import Clock
from domain.ports import CaseRepository, DocumentStore, DueItem, VersionConflict
from handlers.central_team import ChannelBinding
from messages import text

log = logging.getLogger(__name__)

LOCALE = "sv-SE"  # notes go to the central team's channel, which is Swedish
MAX_RECORDS = 50
RECORD_DAYS = 14


class Sender(Protocol):
    async def send(
        self, reference_key: str, activity: Activity, *, idempotency_key: str | None = None
    ) -> str | None: ...
    async def reply_in_thread(
        self,
        channel_key: str,
        conversation_id: str,
        activity: Activity,
        *,
        idempotency_key: str | None = None,
    ) -> str | None: ...


class Team(Protocol):
    async def central_channel(self) -> ChannelBinding | None: ...


@dataclass(frozen=True)
class Recipient:
    """Where a proactive message goes: a stored reference, optionally a thread under it."""

    reference_key: str  # "user:<aad id>" or "channel:<channel id>"
    thread: str = ""  # a channel thread's conversation id
    person: str = ""  # the person's name, for a 1:1 chat (the note names them)

    @property
    def key(self) -> str:
        return self.thread or self.reference_key


@dataclass(frozen=True)
class Problem:
    case_number: str
    recipient: Recipient
    what: str  # card | reply | notice | reminder | update | servicenow | servicenow_poll


class Undelivered(Exception):
    """A transient failure of one send, with what the dead letter must say if retries run out."""

    permanent = False

    def __init__(self, failure: DeliveryFailed, problem: Problem) -> None:
        super().__init__(str(failure))
        self.failure = failure
        self.retry_after = failure.retry_after
        self.problem = problem


def message(body: str) -> Activity:
    return Activity(type=ActivityTypes.message, text=body, text_format="markdown")


def describe(record: dict[str, Any], locale: str | None) -> dict[str, str]:
    """The note's and the list's parts, in `locale`."""
    person, number = str(record.get("person") or ""), str(record.get("case_number") or "")
    external = record.get("what") in ("servicenow", "servicenow_poll")
    if external:  # the bot's calls to ServiceNow (jobs/servicenow_job.py)
        target = text("delivery_target_servicenow", locale)
        advice = text(f"delivery_advice_{record['what']}", locale)
    elif person:
        target = text("delivery_target_user", locale, name=person)
        advice = text("delivery_advice_user", locale, name=person)
    elif record.get("thread"):
        target = text("delivery_target_thread", locale, number=number)
        advice = text("delivery_advice_channel", locale)
    else:
        target = text("delivery_target_channel", locale)
        advice = text("delivery_advice_channel", locale)
    if record.get("kind") == "dead_letter":
        reason = text(
            "delivery_reason_gave_up", locale, attempts=record.get("attempts"), error=record["error"]
        )
        if not external:
            advice = text("delivery_advice_retry", locale)
    elif record.get("status"):
        reason = text("delivery_reason_status", locale, status=record["status"])
    else:
        reason = text("delivery_reason_no_reference", locale)
    what = text(f"delivery_what_{record.get('what') or 'notice'}", locale)
    return {"number": number, "what": what, "target": target, "reason": reason, "advice": advice}


class DeliveryProblems:
    """Records and announces undeliverable messages; lists them for `@bot påminnelser`."""

    def __init__(
        self, documents: DocumentStore, cases: CaseRepository, sender: Sender, team: Team, clock: Clock
    ) -> None:
        self._documents = documents
        self._cases = cases
        self._sender = sender
        self._team = team
        self._clock = clock

    async def recent(self) -> list[dict[str, Any]]:
        """Current records, newest first."""
        key = DocumentKeys.delivery_problems()
        found = (await self._documents.read([key])).get(key) or {}
        return self._fresh(list(found.get("items") or []))

    def _fresh(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        oldest = self._clock() - timedelta(days=RECORD_DAYS)
        kept = [item for item in items if datetime.fromisoformat(item["at"]) >= oldest]
        return sorted(kept, key=lambda item: item["at"], reverse=True)[:MAX_RECORDS]

    async def unreachable(self, recipient_key: str) -> bool:
        """A permanent problem is on record for this recipient: sending again would only fail."""
        return any(p["key"] == recipient_key and p["kind"] == "permanent" for p in await self.recent())

    async def forget(self, recipient_key: str) -> None:
        """The recipient spoke to the bot again (a new conversation reference): try them again."""
        key = DocumentKeys.delivery_problems()
        for _ in range(5):
            found = (await self._documents.read([key])).get(key) or {}
            items = list(found.get("items") or [])
            kept = [item for item in items if item["key"] != recipient_key]
            if len(kept) == len(items):
                return
            try:
                await self._documents.write({key: {"items": kept, "e_tag": found.get("e_tag", "*")}})
                return
            except VersionConflict:
                continue

    async def _record(self, record: dict[str, Any]) -> bool:
        """Add `record` unless one with its key is there; False when it was already recorded."""
        key = DocumentKeys.delivery_problems()
        for _ in range(5):  # eTag compare-and-set: two replicas may record at once
            found = (await self._documents.read([key])).get(key) or {}
            items = self._fresh(list(found.get("items") or []))
            if any(item["key"] == record["key"] for item in items):
                return False
            document = {"items": self._fresh([record, *items]), "e_tag": found.get("e_tag", "*")}
            try:
                await self._documents.write({key: document})
                return True
            except VersionConflict:
                continue
        return False

    async def _announce(self, record: dict[str, Any]) -> None:
        """One note in the central channel, keyed like the record (a rerun posts nothing new)."""
        central = await self._team.central_channel()
        if central is None:
            return
        note = message(text("delivery_problem", LOCALE, **describe(record, LOCALE)))
        try:
            await self._sender.send(
                central.reference_key, note, idempotency_key=SendKeys.problem_note(record["key"])
            )
        except DeliveryFailed as failure:  # the central channel itself is out of reach: log only
            log.warning("the leveransproblem note could not be posted either: %s", failure)

    def _base(self, problem: Problem, key: str) -> dict[str, Any]:
        recipient = problem.recipient
        return {
            "key": key,
            "case_number": problem.case_number,
            "what": problem.what,
            "person": recipient.person,
            "thread": bool(recipient.thread),
            "at": self._clock().isoformat(),
        }

    async def report(self, problem: Problem, failure: CallFailed) -> None:
        """A permanent failure: recorded and announced once per recipient, never retried."""
        record = {**self._base(problem, problem.recipient.key), "kind": "permanent", "status": failure.status}
        if not await self._record(record):
            return
        log.warning(
            "leveransproblem: %s for case %s cannot be delivered (%s); not retried",
            problem.what,
            problem.case_number,
            failure,
        )
        await self._announce(record)

    async def dead_letter(
        self, item: DueItem, error: Exception, attempts: int, *, problem: Problem | None = None
    ) -> None:
        """The worker gave up on `item` (its ERROR line is logged there): record and announce it."""
        if problem is None:
            problem = error.problem if isinstance(error, Undelivered) else await self._problem_of(item)
        record = {
            **self._base(problem, f"dead:{item.item_id}"),
            "kind": "dead_letter",
            "attempts": attempts,
            "error": str(error)[:200],
        }
        if await self._record(record):
            await self._announce(record)

    async def _problem_of(self, item: DueItem) -> Problem:
        case = await self._cases.get(str(item.payload.get("case_id") or ""))
        kind = item.payload.get("kind")
        what = kind if kind in ("reminder", "digest") else "card"
        return Problem(case.number if case else "?", Recipient(""), what)


class Deliveries:
    """The jobs' way to send: permanent failures are reported and swallowed, transient raise."""

    def __init__(self, sender: Sender, problems: DeliveryProblems) -> None:
        self._sender = sender
        self.problems = problems

    async def send(
        self, case: Case, recipient: Recipient, activity: Activity, *, what: str, idempotency_key: str
    ) -> str | None:
        # A person who removed the bot would get 403 on every message: stop asking until they
        # write to the bot again. Channels are always tried (a thread may be gone, not the channel).
        if recipient.person and await self.problems.unreachable(recipient.key):
            log.info("skipped a %s for case %s: its recipient is known to be unreachable", what, case.number)
            return None
        try:
            if recipient.thread:
                return await self._sender.reply_in_thread(
                    recipient.reference_key, recipient.thread, activity, idempotency_key=idempotency_key
                )
            return await self._sender.send(recipient.reference_key, activity, idempotency_key=idempotency_key)
        except DeliveryFailed as failure:
            await self.failed(Problem(case.number, recipient, what), failure)
            return None

    async def failed(self, problem: Problem, failure: DeliveryFailed) -> None:
        """Report a permanent failure; raise a transient one for the worker's retry policy."""
        if not failure.permanent:
            raise Undelivered(failure, problem) from None
        await self.problems.report(problem, failure)
