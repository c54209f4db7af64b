"""The outbox job that carries out a retention purge (policy: domain/retention.py).

In this order, each step safe to repeat when the item runs again (a lease ran out, a send
failed): blank the identifiers in the case and its audit entries, make the store drop the old
bytes (scrub), then rewrite what the bot posted — the case card in the channel thread and the
submitter's summary / confirmation cards in the 1:1 chat. A rewrite that fails transiently
raises, so the worker retries the whole item; the purge itself is already done by then.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from adapters.outbox_worker import OutboxWorker, RetryLater
from adapters.proactive import DeliveryFailed
from cards.purged_cards import create_purged_case_card, create_purged_personal_card
from domain.case import Case
from domain.ports import DueItem, VersionConflict
from domain.retention import (
    PURGE_KIND,
    PostedCards,
    RetentionPlanner,
    is_purged,
    purge_due,
    purged_audit_entry,
    purged_case,
)
from jobs.case_threads import CHANNEL_LOCALE, CaseThreads, card_activity
from jobs.context import JobContext
from jobs.delivery import Problem, Recipient

log = logging.getLogger(__name__)


class PurgeJob:
    def __init__(
        self, context: JobContext, planner: RetentionPlanner, threads: CaseThreads, posted: PostedCards
    ) -> None:
        self._stores = context.stores
        self._planner = planner
        self._threads = threads
        self._places = context.places
        self._sender = context.sender
        self._deliveries = context.deliveries  # the jobs' one failure path: report permanent, raise transient
        self._posted = posted
        self._clock = context.clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(PURGE_KIND, self)

    async def catch_up(self) -> None:
        """At start: cases that ended before this version (or while the bot was down)."""
        scheduled = await self._planner.catch_up(self._stores.cases)
        if scheduled:
            log.info("retention: %d ended case(s) scheduled for purging", scheduled)

    async def __call__(self, item: DueItem) -> None:
        case = await self._stores.cases.get(str(item.payload.get("case_id")))
        if case is None:
            log.error("purge item %s names a case that does not exist; dropped", item.item_id)
            return
        if not is_purged(case):
            due = purge_due(case, self._planner.retention)
            if due is None:
                log.error("purge item %s for an open case %s; dropped", item.item_id, case.number)
                return
            if due > self._clock():  # CASE_RETENTION_DAYS was raised since it was scheduled
                raise RetryLater(f"case {case.number} is kept longer now", delay=due - self._clock())
            case = await self._purge(case)
        await self._rewrite_cards(case)

    async def _purge(self, case: Case) -> Case:
        for _ in range(5):
            try:
                saved = await self._stores.cases.update(purged_case(case, self._clock()))
                break
            except VersionConflict:  # routing saved its bookkeeping meanwhile: purge what is there
                fresh = await self._stores.cases.get(case.id)
                if fresh is None or is_purged(fresh):
                    return fresh or case
                case = fresh
        else:
            raise RetryLater(f"case {case.number} kept changing during the purge", delay=timedelta(seconds=5))
        changed = await self._stores.audit.rewrite(case.id, purged_audit_entry)
        await self._stores.scrub()
        log.info("retention: case %s purged (%d audit entries blanked)", saved.number, changed)
        return saved

    async def _rewrite_cards(self, case: Case) -> None:
        place = await self._places.get(case.id)
        if place is not None and place.card:
            await self._threads.update_card(case, place, create_purged_case_card(case, CHANNEL_LOCALE))
        posted = await self._posted.of(case.id)
        for card in posted:
            locale = str(
                (await self._stores.references.get(card.reference_key) or {}).get("locale") or "sv-SE"
            )
            activity = card_activity(create_purged_personal_card(case, locale))
            try:
                await self._sender.update(
                    card.reference_key, card.conversation_id, card.activity_id, activity
                )
            except DeliveryFailed as failure:
                recipient = Recipient(card.reference_key, person=case.submitter.name)
                await self._deliveries.failed(Problem(case.number, recipient, "update"), failure)
        if posted:
            await self._posted.forget(case.id)
