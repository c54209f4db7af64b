"""What the outbox worker lets a job defer to the end of its item, and read once per batch.

**Per item** (`ItemScope`): the send markers of messages that went out, and the items to schedule
after it (a reminder's follow-up). The worker writes them together with the item's removal or
reschedule — one store round trip (`DueIndex.settle`) instead of one per marker, follow-up and
completion. A marker still pending when the job sends again is recorded by that send's claim
(`SendMarkers.claim_or_lookup`), and before any other call to Teams (a card update), so between a
send and its done record there is never another call to Teams, only the job's own store work:
the at-least-once window of `ProactiveSender._once`.

**Per batch** (`batch_memo`): documents every item of a batch reads alike — the conversation
references of the channels and people it sends to, the central channel, the admin roster — are
read once per batch of at most `OutboxWorker.batch` items, not once per item; and a job may
prefetch what its items need (reminders: their cases and where their threads are) in one read
for the whole batch. A value saved during the batch by this replica replaces the memo; one saved
by another replica is seen from the next batch, as if the batch had started a moment earlier.
So a reminder may go out up to one batch's sending time (seconds) after an admin acted on its
case; it never carries more than the case number, and its follow-up, planned from that case,
is dropped as stale when it falls due (domain/reminder_schedule.py).
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botbuilder.schema import ConversationReference

from adapters.model_codec import from_json
from domain.ports import ConversationReferences, DocumentStore, OutboxItem

T = TypeVar("T")


@dataclass
class ItemScope:
    sent: dict[str, Any] = field(default_factory=dict)  # idempotency key → result, not yet recorded
    then: list[OutboxItem] = field(default_factory=list)

    def take_sent(self) -> dict[str, Any]:
        sent, self.sent = self.sent, {}
        return sent


_item: ContextVar[ItemScope | None] = ContextVar("outbox_item", default=None)
_batch: ContextVar[dict[Any, Any] | None] = ContextVar("outbox_batch", default=None)


def current_item() -> ItemScope | None:
    """The running outbox item's scope; None outside the worker (a send from a turn)."""
    return _item.get()


@contextmanager
def item_scope() -> Iterator[ItemScope]:
    scope = ItemScope()
    token = _item.set(scope)
    try:
        yield scope
    finally:
        _item.reset(token)


@contextmanager
def batch_scope() -> Iterator[None]:
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


async def batch_memo(key: tuple[str, ...], load: Callable[[], Awaitable[T]]) -> T:
    """`load()` once per batch for `key`; outside a batch, every time."""
    memo = _batch.get()
    if memo is None:
        return await load()
    if key not in memo:
        memo[key] = await load()
    value: T = memo[key]
    return value


def batch_remember(key: tuple[str, ...], value: Any) -> None:
    """This replica just wrote `value` under `key`: the rest of the batch reads it."""
    memo = _batch.get()
    if memo is not None:
        memo[key] = value


def batch_forget(key: tuple[str, ...]) -> None:
    memo = _batch.get()
    if memo is not None:
        memo.pop(key, None)


class BatchReferences:
    """Conversation references read once per outbox batch (outside a batch: every time). What
    `get` and `parsed` return is shared by the batch's callers, who must not change it (as with
    `batch_read`); no job does: they read a locale, a conversation, or build a new reference."""

    def __init__(self, references: ConversationReferences) -> None:
        self._references = references

    async def get(self, key: str) -> dict[str, Any] | None:
        return await self._raw(key)

    async def parsed(self, key: str) -> ConversationReference | None:
        """The reference as a model, parsed once per batch (ProactiveSender; parsing a deep copy
        of the dict for every send cost ~0.05 ms)."""

        async def parse() -> ConversationReference | None:
            raw = await self._raw(key)
            return None if raw is None else from_json(ConversationReference, raw)

        return await batch_memo(("reference model", key), parse)

    async def _raw(self, key: str) -> dict[str, Any] | None:
        return await batch_memo(("reference", key), lambda: self._references.get(key))

    async def save(self, key: str, reference: dict[str, Any]) -> None:
        await self._references.save(key, reference)
        batch_remember(("reference", key), copy.deepcopy(reference))
        batch_forget(("reference model", key))


async def batch_read(documents: DocumentStore, key: str) -> dict[str, Any] | None:
    """One document, once per outbox batch (callers must not change it)."""
    return (await batch_memo(("document", key), lambda: documents.read([key]))).get(key)


async def batch_read_many(documents: DocumentStore, keys: list[str]) -> None:
    """Read `keys` in one round trip for the rest of the batch (a prefetch)."""
    if _batch.get() is None:
        return
    found = await documents.read(keys)
    for key in keys:
        batch_remember(("document", key), {key: found[key]} if key in found else {})
