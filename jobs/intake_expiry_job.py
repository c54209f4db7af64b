"""Abandoned intakes: a draft holds a Patient ID, so it is purged when it expires — also when
the user never writes again (the in-turn check in dialogs/personal_chat.py only runs on their
next message).

When a draft starts, an `intake_expiry` item is put in the due index for the moment it expires.
The job then wipes the conversation's botbuilder state (draft and dialog stack; nothing else is
kept there) leaving only a marker, so the user's next message is told what happened, rewrites the
summary cards that showed the IDs, and lets the store drop the old bytes.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from adapters.outbox_worker import OutboxWorker, RetryLater
from adapters.proactive import DeliveryFailed
from cards.purged_cards import create_discarded_intake_card
from domain.intake import IntakeDraft
from domain.ports import DueItem, VersionConflict
from jobs.case_threads import card_activity
from jobs.context import JobContext

log = logging.getLogger(__name__)

INTAKE_EXPIRY_KIND = "intake_expiry"
EXPIRED_MARKER = "intake_expired"  # a conversation-state property: tell the user on return


class IntakeExpiry:
    def __init__(self, context: JobContext) -> None:
        self._stores = context.stores
        self._sender = context.sender
        self._max_age = timedelta(minutes=context.settings.intake_expiry_minutes)
        self._clock = context.clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(INTAKE_EXPIRY_KIND, self)

    async def schedule(
        self, draft: IntakeDraft, state_key: str, reference_key: str, conversation_id: str
    ) -> None:
        """Called when a draft starts: one item per draft, due when it expires."""
        payload: dict[str, Any] = {
            "kind": INTAKE_EXPIRY_KIND,
            "draft_id": draft.draft_id,
            "state_key": state_key,
            "reference_key": reference_key,
            "conversation_id": conversation_id,
        }
        at = draft.started_at + self._max_age + timedelta(seconds=1)  # expired is "older than"
        await self._stores.due.schedule(f"{INTAKE_EXPIRY_KIND}:{draft.draft_id}", at, payload)

    async def __call__(self, item: DueItem) -> None:
        key = str(item.payload.get("state_key"))
        state = (await self._stores.documents.read([key])).get(key)
        raw = (state or {}).get("intake_draft")
        if not isinstance(raw, dict) or raw.get("draft_id") != item.payload.get("draft_id"):
            return  # submitted, cancelled or already expired in a turn: nothing left to purge
        draft = IntakeDraft.model_validate(raw)
        now = self._clock()
        if not draft.expired(now, self._max_age):
            raise RetryLater("intake not expired yet", delay=draft.started_at + self._max_age - now)
        assert state is not None
        # Cards first: once the state is wiped, a retry could no longer find their ids.
        reference_key = str(item.payload.get("reference_key"))
        reference = await self._stores.references.get(reference_key) or {}
        card = card_activity(create_discarded_intake_card("expired", str(reference.get("locale") or "sv-SE")))
        for card_id in draft.card_ids:
            conversation_id = str(item.payload.get("conversation_id"))
            try:
                await self._sender.update(reference_key, conversation_id, card_id, card)
            except DeliveryFailed as failure:
                if not failure.permanent:
                    raise  # the worker's retry policy; the draft is still there to find next time
                # No case exists to report on: the user removed the bot, or the chat is gone.
                log.info("an expired intake's card could not be rewritten: %s", failure)
        try:  # the eTag check: a message from the user meanwhile wins, and we look again
            await self._stores.documents.write({key: {"e_tag": state["e_tag"], EXPIRED_MARKER: True}})
        except VersionConflict:
            raise RetryLater("the user wrote meanwhile", delay=timedelta(seconds=5)) from None
        await self._stores.scrub()
        log.info("an abandoned intake was purged")
