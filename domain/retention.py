"""How long the bot keeps a patient's identifiers, and what a purge leaves behind.

A case holds the Patient ID and the care-episode ID only while someone may still need them:
until `retention` after the case ended (closed, rejected or withdrawn). Then the identifiers and
every free-text field that could hold them (a rejection's reason, the vendor's close notes, the submitter's phone note, an
event's or audit entry's typed detail) are blanked. What statistics and the audit need stays:
case number, type, organisation, timestamps, who did what, the outcome, the ServiceNow number
(validated against its own pattern, so it cannot carry a Patient ID).

Pure functions: the stores write the result, the purge job decides when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.case import FINAL_STATUSES, Action, Case, Event
from domain.ports import AuditEntry, CaseFilter, CaseRepository, DocumentStore, DueIndex

PURGE_KIND = "purge_case"  # the outbox kind of the job that carries a purge out

# Actions whose event detail is text an admin typed. Everything else is a name the bot wrote
# (take, reassign) or a value checked against a pattern (the ServiceNow number). The vendor's
# close notes, read from ServiceNow, are text someone typed too.
FREE_TEXT_ACTIONS = frozenset({Action.REJECT_NOT_PROTECTED, Action.RECORD_VENDOR_REPORT})


def ended_at(case: Case) -> datetime | None:
    """When the case reached its final status; None while it is open."""
    if case.is_open:
        return None
    final = [event.at for event in case.events if event.status_after in FINAL_STATUSES]
    return final[-1] if final else case.updated_at


def purge_due(case: Case, retention: timedelta) -> datetime | None:
    """When `case` must be purged; None while it is open or once it has been purged."""
    end = ended_at(case)
    if end is None or case.purged_at is not None:
        return None
    return end + retention


def purge_item_id(case_id: str) -> str:
    """One due item per case: scheduling it again (at the end, at start-up) moves, never adds."""
    return f"{PURGE_KIND}:{case_id}"


def _purged_event(event: Event) -> Event:
    if event.action in FREE_TEXT_ACTIONS and event.detail:
        return event.model_copy(update={"detail": ""})
    return event


def purged_case(case: Case, now: datetime) -> Case:
    """`case` without the patient's identifiers or free text; `case` itself is left as it was."""
    if case.is_open:
        raise ValueError(f"case {case.id} is open: only an ended case may be purged")
    return case.model_copy(
        update={
            "patient_id": "",
            "episode_id": None,
            "rejection_reason": "",
            "vendor_report": "",
            "submitter_phone": "",
            "events": [_purged_event(event) for event in case.events],
            "purged_at": case.purged_at or now,
        }
    )


def purged_audit_entry(entry: AuditEntry) -> AuditEntry:
    """An audit line keeps who, when, what and from where; a typed reason loses its text."""
    if entry.what in {action.value for action in FREE_TEXT_ACTIONS} and entry.detail:
        return entry.model_copy(update={"detail": ""})
    return entry


def is_purged(case: Case) -> bool:
    return case.purged_at is not None


class RetentionPlanner:
    """Puts each ended case's purge in the due index, so it happens once across replicas and
    survives restarts; `catch_up` covers cases that ended before this planner ran."""

    def __init__(self, due: DueIndex, retention: timedelta) -> None:
        self._due = due
        self.retention = retention

    async def after_change(self, case: Case) -> None:
        at = purge_due(case, self.retention)
        if at is not None:
            await self._due.schedule(purge_item_id(case.id), at, {"kind": PURGE_KIND, "case_id": case.id})

    async def catch_up(self, cases: CaseRepository) -> int:
        """Schedule every ended, unpurged case (long overdue ones are simply due now)."""
        scheduled = 0
        for status in FINAL_STATUSES:
            for case in await cases.list(CaseFilter(status=status)):
                if purge_due(case, self.retention) is not None:
                    await self.after_change(case)
                    scheduled += 1
        return scheduled


@dataclass(frozen=True)
class PostedCard:
    """A card the bot posted that shows a case's identifiers: where to rewrite it."""

    reference_key: str  # the stored conversation reference (user:... for a 1:1 chat)
    conversation_id: str
    activity_id: str


class PostedCards:
    """The 1:1 cards (intake summary, confirmation) that carry a case's identifiers, recorded
    when the case is filed and forgotten once the purge has rewritten them."""

    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents

    @staticmethod
    def key(case_id: str) -> str:
        return f"retention:cards:{case_id}"

    async def record(self, case_id: str, cards: Sequence[PostedCard]) -> None:
        known = await self.of(case_id)
        merged = list(dict.fromkeys([*known, *(card for card in cards if card.activity_id)]))
        if merged != known:
            rows = [vars(card) for card in merged]
            await self._documents.write({self.key(case_id): {"cards": rows}})

    async def of(self, case_id: str) -> list[PostedCard]:
        found = await self._documents.read([self.key(case_id)])
        rows = (found.get(self.key(case_id)) or {}).get("cards") or []
        return [
            PostedCard(**{k: str(row.get(k, "")) for k in PostedCard.__dataclass_fields__}) for row in rows
        ]

    async def forget(self, case_id: str) -> None:
        await self._documents.delete([self.key(case_id)])
