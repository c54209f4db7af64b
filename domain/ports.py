"""What the domain needs from storage, as Protocols. Adapters implement each of them twice:
Redis for production replicas, SQLite for `make run` and single-instance installs. One contract
test suite (tests/contract/) holds both to the same behaviour.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel

from domain.case import Case, Person, Status
from domain.reminders import ReminderKind


class StoreUnavailable(Exception):
    """The store did not answer (Redis down, disk full). Nothing was half-written."""


class WriteOutcomeUnknown(StoreUnavailable):
    """The store failed while a write was on its way: it may or may not have happened. The write
    and its follow-ups are one unit, so a retry either finds all of it or does all of it."""


class VersionConflict(Exception):
    """Someone else wrote first: an eTag or case version did not match."""


class AuditEntry(BaseModel, frozen=True):
    case_id: str
    at: datetime
    actor: Person
    what: str  # an action name or a refusal code; never a patient identifier
    conversation_id: str = ""
    detail: str = ""


@dataclass(frozen=True)
class OutboxItem:
    """A due-index item written together with a case change (same id = one item)."""

    item_id: str
    due_at: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class StatCount:
    """One statistics counter to add to (domain/statistics.py): `field` of Stockholm `month`."""

    month: str  # "2026-11"
    field: str
    amount: int = 1


@dataclass(frozen=True)
class FollowUps:
    """What must be stored with a case write, in the same transaction, or not at all.

    `stats` are added only to a case the statistics already count (every case created since
    they exist; older ones once the backfill has counted them, `Statistics.count`)."""

    audit: tuple[AuditEntry, ...] = ()
    due: tuple[OutboxItem, ...] = ()
    stats: tuple[StatCount, ...] = ()


NO_FOLLOW_UPS = FollowUps()


@dataclass(frozen=True)
class CaseFilter:
    status: Status | None = None
    open_only: bool = False
    organisation: str | None = None
    submitter_id: str | None = None
    assignee_id: str | None = None


# How far back `CaseRepository.filed_by` counts: the stores keep a person's recent filings (the
# hourly intake cap's index) this long and no longer.
FILING_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class RecentFilings:
    count: int  # the person's cases created after `since`
    case: Case | None  # the asked-for case when it exists and is hers (a repeated Skicka)


@dataclass(frozen=True)
class IdleEntry:
    case_id: str
    idle_since: datetime  # the case's updated_at: its current idle period started then


@dataclass(frozen=True)
class IdlePage:
    """A slice of one idle index, oldest first, and how many entries the whole range holds."""

    total: int
    entries: list[IdleEntry]


@dataclass(frozen=True)
class DueItem:
    item_id: str
    due_at: datetime
    payload: dict[str, Any]
    claim_token: str  # proves the claim when completing; a stale token completes nothing


@dataclass(frozen=True)
class DueBacklog:
    """What waits in the due index (for /metrics)."""

    due: int  # visible to claimers now: due and not claimed (or its lease ran out)
    scheduled: int  # every item, future reminders and claimed items included
    oldest_due_at: datetime | None  # when the longest-waiting claimable item became visible


class DocumentStore(Protocol):
    """Key → JSON document with eTags: the botbuilder Storage contract.

    `read` returns each found document with its current "e_tag". `write` fails with
    VersionConflict when a document carries an "e_tag" that is neither "*" nor current;
    documents without one, or with "*", overwrite.
    """

    async def read(self, keys: Sequence[str]) -> dict[str, dict[str, Any]]: ...
    async def write(self, changes: Mapping[str, dict[str, Any]]) -> None: ...
    async def delete(self, keys: Sequence[str]) -> None: ...


class CaseRepository(Protocol):
    async def create(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        """Store a new case with its follow-ups, atomically; gives it the next number of its
        creation year (SID-YYYY-NNNN)."""
        ...

    async def get(self, case_id: str) -> Case | None: ...
    async def get_by_number(self, number: str) -> Case | None: ...
    async def list(self, where: CaseFilter = CaseFilter()) -> list[Case]:
        """Every matching case, oldest first. Loads them all: for a person's cases, not a queue."""
        ...

    async def get_many(self, case_ids: Sequence[str]) -> builtins.list[Case]:
        """The cases that exist among `case_ids`, in that order (one round trip)."""
        ...

    async def filed_by(self, submitter_id: str, since: datetime, case_id: str) -> RecentFilings:
        """How many cases `submitter_id` filed after `since` (at most FILING_WINDOW back), and
        the case `case_id` if it is hers: one round trip that reads only her recent filings,
        however many cases she has filed over the years."""
        ...

    async def idle(
        self, kind: ReminderKind, *, until: datetime | None = None, offset: int = 0, limit: int = 50
    ) -> IdlePage:
        """The idle index: open cases whose `reminder_kind` is `kind`, by `updated_at`, oldest first.

        Only entries idle since `until` or earlier count (all of the kind when None). Costs
        O(log n + limit) on both stores, so queues and overviews never load every open case.
        """
        ...

    async def update(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        """Write `case` and its follow-ups if the stored version still equals `case.version`;
        returns it with version + 1. Raises VersionConflict otherwise (nothing is written; the
        caller re-reads and decides)."""
        ...


class Statistics(Protocol):
    """The statistics counters per month, kept by the case writes (FollowUps.stats)."""

    async def months(self, months: Sequence[str]) -> dict[str, dict[str, int]]:
        """Every counter of each month ("2026-11"); a month without any is left out."""
        ...

    async def pending(self) -> int:
        """How many stored cases the statistics do not count yet (written before they existed)."""
        ...

    async def uncounted(self, cursor: str = "", limit: int = 500) -> tuple[str, list[Case]]:
        """A batch of cases not counted yet and the cursor of the next batch ("" = done)."""
        ...

    async def count(self, case: Case, counts: Sequence[StatCount]) -> bool:
        """Add `counts` and mark the case counted, atomically, if it is still uncounted and at
        `case.version`; False otherwise (counted meanwhile, or changed: read it again)."""
        ...


class AuditLog(Protocol):
    async def append(self, entry: AuditEntry) -> None: ...
    async def entries(self, case_id: str) -> list[AuditEntry]: ...

    async def rewrite(self, case_id: str, change: Callable[[AuditEntry], AuditEntry]) -> int:
        """Replace each of the case's entries by `change(entry)` in place (order kept; the
        retention purge blanks free text); returns how many changed."""
        ...

    async def between(self, start: datetime, end: datetime) -> list[AuditEntry]:
        """Every entry with start <= at < end, of every case, oldest first (the audit export)."""
        ...


def user_reference_key(user_id: str, aad_id: str = "") -> str:
    """Where a person's 1:1 conversation reference is kept: by Entra id when Teams gives one."""
    return f"user:{aad_id or user_id}"


def channel_reference_key(channel_id: str) -> str:
    return f"channel:{channel_id}"


def conversation_reference_key(conversation_id: str) -> str:
    """A group chat's reference (neither a person's 1:1 nor a channel)."""
    return f"conversation:{conversation_id}"


class ConversationReferences(Protocol):
    """Serialised botbuilder ConversationReference dicts under keys like "user:<aad id>"."""

    async def save(self, key: str, reference: dict[str, Any]) -> None: ...
    async def get(self, key: str) -> dict[str, Any] | None: ...


SENT_MARKER_TTL = timedelta(days=7)  # a done send marker: longer than any retry of its job runs


@dataclass(frozen=True)
class Settlement:
    """How an outbox job ended, written in one store operation (one round trip).

    `again_at` None: the item is done and removed (only while `claim_token` still holds it);
    else it is rescheduled then with `payload` (a retry or a "not yet"). Whatever the claim, the
    `then` items are scheduled (a reminder's follow-up) and the `sent` send markers (idempotency
    key → the send's result) are recorded done for `sent_ttl`: those messages did go out."""

    again_at: datetime | None = None
    payload: dict[str, Any] | None = None
    then: tuple[OutboxItem, ...] = ()
    sent: Mapping[str, Any] = field(default_factory=dict)
    sent_ttl: timedelta = SENT_MARKER_TTL


@dataclass(frozen=True)
class MarkerClaim:
    """What `SendMarkers.claim_or_lookup` found: a token when the caller now holds the key,
    else the marker that is there (("claimed", None) or ("done", result)); `found` is None
    only when the key was free (and is now ours) or expired between the two steps."""

    token: str | None
    found: tuple[str, Any] | None = None


class DueIndex(Protocol):
    async def schedule(self, item_id: str, due_at: datetime, payload: dict[str, Any]) -> None:
        """Add or move an item (same id = one item)."""
        ...

    async def cancel(self, item_id: str) -> None: ...

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueItem]:
        """Atomically take up to `limit` items due at `now`; each is hidden from other
        claimers until `now + lease`, after which it is due again unless completed."""
        ...

    async def complete(self, item: DueItem) -> bool:
        """Remove a claimed item; False when the claim had expired and someone else holds it."""
        ...

    async def settle(self, item: DueItem, settlement: Settlement) -> bool:
        """Finish a claimed item as `settlement` says, atomically; False when it was to be
        removed but the claim had expired and someone else holds it (the rest is still written)."""
        ...

    async def backlog(self, now: datetime) -> DueBacklog:
        """Counts for monitoring: claimable now, scheduled in all, and the oldest claimable."""
        ...


class SeenActivities(Protocol):
    async def first_seen(self, activity_id: str, ttl: timedelta) -> bool:
        """True the first time an id is offered within `ttl`; False for Teams' retries."""
        ...

    async def first_seen_then_read(
        self, activity_id: str, ttl: timedelta, documents: Sequence[str]
    ) -> tuple[bool, dict[str, dict[str, Any]]]:
        """`first_seen`, and when it is True the `documents` as `DocumentStore.read` returns
        them, read after the mark (a turn's state, fetched with its de-duplication: on Redis one
        round trip instead of two). When it is False, no documents."""
        ...


class SendMarkers(Protocol):
    """Per-send bookkeeping that makes a proactive message reach Teams once across replicas.

    A sender `claim`s a key before sending (set-if-absent, with a short TTL so a replica that dies
    between claim and send does not block the message for ever), then marks it `done` with the
    send's result for a long TTL; a failed send `release`s its claim so a retry may claim again.
    """

    async def claim(self, key: str, ttl: timedelta) -> str | None:
        """A token when this caller now holds the key; None when it is claimed or done already."""
        ...

    async def claim_or_lookup(
        self, key: str, ttl: timedelta, *, done: Mapping[str, Any] | None = None, done_ttl: timedelta
    ) -> MarkerClaim:
        """`claim`, and when that fails `lookup`, in one round trip. First records the `done`
        markers (key → result, for `done_ttl`): the caller's earlier sends, not yet recorded."""
        ...

    async def release(self, key: str, token: str) -> None:
        """Drop the claim if `token` still holds it (a done marker is never dropped)."""
        ...

    async def done(self, key: str, result: Any, ttl: timedelta) -> None: ...

    async def lookup(self, key: str) -> tuple[str, Any] | None:
        """("claimed", None) or ("done", result) while the key lives; None otherwise."""
        ...


class Stores(Protocol):
    """Everything one backend provides, plus its lifecycle."""

    documents: DocumentStore
    cases: CaseRepository
    audit: AuditLog
    references: ConversationReferences
    due: DueIndex
    seen: SeenActivities
    markers: SendMarkers
    stats: Statistics
    backend: str

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the backend answers."""
        ...

    async def scrub(self) -> None:
        """After a purge: push overwritten bytes out of what the backend keeps on disk (SQLite:
        WAL checkpoint; Redis: AOF rewrite / snapshot when persistence is on). Best effort."""
        ...

    async def close(self) -> None: ...
