"""Outbox handlers: put each case in its channel thread and tell people what happened.

`case_filed` posts the case card as a new thread (in the central channel, or first in the
municipality's channel when that is enabled) and tells the submitter it was received.
`case_changed` posts one short audit reply per recorded action in the thread, tells the
submitter when the case is taken, rejected or closed, moves a forwarded case to the central
channel and updates the card.

Every handler may run twice (a lease ran out, a replica died): sends carry idempotency keys
built from the case id and the event's index (events are append-only, so an index is stable;
the storage version is not, routing's own bookkeeping bumps it), and a per-case cursor in the
document store remembers which events were announced.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from botbuilder.core import MessageFactory

from adapters.outbox_worker import OutboxWorker
from adapters.store_keys import DocumentKeys, SendKeys
from cards.case_card import create_forwarded_card
from cards.case_texts import without_patient_ids
from domain.case import Action, Case, Event, Status
from domain.municipalities import genitive
from domain.ports import DueItem, StoreUnavailable, user_reference_key
from jobs.case_places import CasePlace, CasePlaces
from jobs.case_threads import CHANNEL_LOCALE, CaseThreads, NotReady
from jobs.context import JobContext
from jobs.delivery import Recipient
from messages import literal, text

log = logging.getLogger(__name__)

_ASSIGNMENTS = frozenset({Action.TAKE, Action.REASSIGN})


def submitter_key(case: Case) -> str:
    return user_reference_key(case.submitter.id, case.submitter.aad_id)


def _progress_key(case_id: str) -> str:
    return DocumentKeys.routing(case_id)


class Routing:
    def __init__(self, context: JobContext, threads: CaseThreads) -> None:
        self._places = context.places
        self._cases = context.stores.cases
        self._documents = context.stores.documents
        self._references = context.references
        self._team = context.team
        self._deliveries = context.deliveries
        self._threads = threads

    def register(self, worker: OutboxWorker) -> None:
        worker.register("case_filed", self.on_case_filed)
        worker.register("case_changed", self.on_case_changed)

    async def on_case_filed(self, item: DueItem) -> None:
        case = await self._cases.get(str(item.payload.get("case_id")))
        if case is None:
            log.error("outbox item %s names a case that does not exist; dropped", item.item_id)
            return
        if await self._places.get(case.id) is None:
            home = await self._team.home_channel(case)
            if home is None:
                log.warning(
                    "case %s waits for a central channel: an admin must type '@bot koppla kanal' in it "
                    "(or set CENTRAL_CHANNEL_ID); retrying",
                    case.number,
                )
                raise NotReady("no central channel")
            if await self._threads.post(case, home) is None:  # out of reach for good: reported
                await self._documents.write({_progress_key(case.id): {"announced": 0, "no_thread": True}})
        if via_municipality(case):  # 3.2 / 4.2: her municipality's förvaltning has it first
            org = genitive(case.organisation.display)
            await self._notify(case, "notify_received_municipal", SendKeys.received(case.id), org=org)
            return
        await self._notify(case, "notify_received", SendKeys.received(case.id))

    async def on_case_changed(self, item: DueItem) -> None:
        case_id = str(item.payload.get("case_id"))
        # Two reads at once: the case, and in one document read routing's cursor and the thread.
        case, progress, place = await self._read(case_id)
        if case is None:
            log.error("outbox item %s names a case that does not exist; dropped", item.item_id)
            return
        if place is None and not progress.get("no_thread"):
            raise NotReady(f"case {case.number} has no thread yet")  # case_filed posts it first
        before = dict(progress)
        try:
            for index in range(progress["announced"], len(case.events)):
                place = await self._announce(case, place, index)
                progress["announced"] = index + 1
            # Items for older versions find nothing new; the card already shows this version.
            if place is not None and progress.get("card") != [place.card, case.version]:
                await self._threads.update_card(case, place)
                progress["card"] = [place.card, case.version]
        except Exception:
            # What went out stays announced, so a retry starts after it (its sends would be
            # skipped by their send markers anyway; this saves the round trips).
            if progress != before:
                with contextlib.suppress(StoreUnavailable):
                    await self._documents.write({_progress_key(case.id): progress})
            raise
        # One cursor write per item, not one per event and one for the card. A replica killed
        # before it runs the item again; its sends are skipped by their send markers, within the
        # at-least-once window ProactiveSender._once describes.
        if progress != before:
            await self._documents.write({_progress_key(case.id): progress})

    async def _announce(self, case: Case, place: CasePlace | None, index: int) -> CasePlace | None:
        event = case.events[index]
        if place is None:
            pass  # the thread could not be posted (a leveransproblem): the submitter still hears
        elif event.action is Action.FORWARD:
            place = await self._forward(case, place, index)
        else:
            await self._threads.reply(case, place, event, SendKeys.thread_reply(case.id, index))
        await self._tell_submitter(case, event, index)
        return place

    async def _forward(self, case: Case, place: CasePlace, index: int) -> CasePlace:
        """A municipal case was forwarded: say so in the municipality's thread, leave a card
        there without buttons, and start the case's thread in the central channel."""
        central = await self._team.central_channel()
        if central is None:
            log.warning("forwarded case %s waits for a central channel; retrying", case.number)
            raise NotReady("no central channel")
        if place.channel == central.channel_id:
            return place  # already moved (a retry), or it never was in a municipality's channel
        await self._threads.reply(case, place, case.events[index], SendKeys.thread_reply(case.id, index))
        await self._threads.update_card(case, place, create_forwarded_card(case, CHANNEL_LOCALE))
        return await self._threads.post(case, central) or place

    async def _tell_submitter(self, case: Case, event: Event, index: int) -> None:
        key = SendKeys.submitter(case.id, index)
        if event.action is Action.TAKE and _first_assignment(case) == index:
            await self._notify(case, "notify_taken", key, name=literal(event.actor.name))
        elif event.action is Action.FORWARD:
            org = genitive(case.organisation.display)
            await self._notify(case, "notify_forwarded", key, org=org)
        elif event.action is Action.REJECT_NOT_PROTECTED:
            await self._notify(case, "notify_rejected", key, reason=without_patient_ids(case, event.detail))
        elif event.status_after is Status.CLOSED:  # the vendor's confirmation closes the case
            await self._notify(case, "notify_closed", key)

    async def _notify(self, case: Case, message: str, idempotency_key: str, **values: object) -> None:
        """A 1:1 message to the submitter: the case number, never the patient's ids."""
        reference = await self._references.get(submitter_key(case))
        locale = str((reference or {}).get("locale") or "sv-SE")
        activity = MessageFactory.text(text(message, locale, number=case.number, **values))
        recipient = Recipient(submitter_key(case), person=case.submitter.name)
        await self._deliveries.send(case, recipient, activity, what="notice", idempotency_key=idempotency_key)

    async def _read(self, case_id: str) -> tuple[Case | None, dict[str, Any], CasePlace | None]:
        keys = [_progress_key(case_id), CasePlaces.key(case_id)]
        case, found = await asyncio.gather(self._cases.get(case_id), self._documents.read(keys))
        progress = found.get(_progress_key(case_id)) or {"announced": 0}
        progress.pop("e_tag", None)  # last writer wins: the sends themselves are idempotent
        return case, progress, CasePlaces.parse(found.get(CasePlaces.key(case_id)))


def _first_assignment(case: Case) -> int:
    """The submitter hears 'taken' once, not again when the case changes hands."""
    return next(i for i, event in enumerate(case.events) if event.action in _ASSIGNMENTS)


def via_municipality(case: Case) -> bool:
    """Filed while municipal channels were on: it waits, or waited, for forwarding (3.2 / 4.2)."""
    return case.status is Status.AWAITING_FORWARD or any(e.action is Action.FORWARD for e in case.events)
