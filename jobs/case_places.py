"""Where a case lives in Teams: routing's own record of the thread its card started and the
card's activity id. Kept apart from the case, so `Case.version` moves only when the domain
changed (and a card's version is simply the case's version).

One writer per case at a time: the outbox job that posts the card (case_filed, or the forward
to the central channel). Lifetime: the case's (README, storage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.outbox_scope import batch_read, batch_read_many, batch_remember
from adapters.store_keys import DocumentKeys
from domain.ports import DocumentStore


@dataclass(frozen=True)
class CasePlace:
    thread: str  # the thread's conversation id: "<channel id>;messageid=<root>"
    card: str  # the activity id of the case card at the thread's root

    @property
    def channel(self) -> str:
        return self.thread.split(";", 1)[0]


class CasePlaces:
    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents

    @staticmethod
    def key(case_id: str) -> str:
        """The document holding a case's place (for a caller that reads it with other documents)."""
        return DocumentKeys.case_place(case_id)

    @staticmethod
    def parse(found: dict[str, Any] | None) -> CasePlace | None:
        """The place in the document read under `key(case_id)`; None when there is none yet."""
        if not found or not found.get("thread"):
            return None
        return CasePlace(thread=str(found["thread"]), card=str(found.get("card") or ""))

    async def get(self, case_id: str) -> CasePlace | None:
        return self.parse(await batch_read(self._documents, self.key(case_id)))  # batch-prefetched

    async def get_many(self, case_ids: Sequence[str]) -> dict[str, CasePlace]:
        """The places of those cases that have one, in one store read (a list of cases in a turn)."""
        keys = {DocumentKeys.case_place(case_id): case_id for case_id in case_ids}
        found = await self._documents.read(list(keys)) if keys else {}
        return {
            keys[key]: CasePlace(thread=str(doc["thread"]), card=str(doc.get("card") or ""))
            for key, doc in found.items()
            if key in keys and doc and doc.get("thread")
        }

    async def prefetch(self, case_ids: list[str]) -> None:
        """Where these cases' threads are, in one read, for the rest of an outbox batch."""
        await batch_read_many(self._documents, [DocumentKeys.case_place(case_id) for case_id in case_ids])

    async def save(self, case_id: str, place: CasePlace) -> None:
        key = DocumentKeys.case_place(case_id)
        document = {"thread": place.thread, "card": place.card}
        await self._documents.write({key: document})
        batch_remember(("document", key), {key: document})
