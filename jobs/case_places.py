"""Where a case lives in Teams: routing's own record of the thread its card started and the
card's activity id. Kept apart from the case, so `Case.version` moves only when the domain
changed (and a card's version is simply the case's version).

One writer per case at a time: the outbox job that posts the card (case_filed, or the forward
to the central channel). Lifetime: the case's (README, storage).
"""

from __future__ import annotations

from dataclasses import dataclass

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

    async def get(self, case_id: str) -> CasePlace | None:
        key = DocumentKeys.case_place(case_id)
        found = (await self._documents.read([key])).get(key)
        if not found or not found.get("thread"):
            return None
        return CasePlace(thread=str(found["thread"]), card=str(found.get("card") or ""))

    async def save(self, case_id: str, place: CasePlace) -> None:
        await self._documents.write(
            {DocumentKeys.case_place(case_id): {"thread": place.thread, "card": place.card}}
        )
