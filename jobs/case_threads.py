"""Where a case lives in Teams: its card as the root of a channel thread, and replies under it.

Used by the outbox jobs only (never inside a turn). Every send is idempotent by key; failures
take the jobs' one path (jobs/delivery.py): permanent ones are reported once and skipped,
transient ones raise so the worker retries.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity

from adapters.outbox_worker import RetryLater
from adapters.proactive import DeliveryFailed
from adapters.store_keys import SendKeys
from cards.case_card import create_case_card
from cards.case_texts import event_text
from domain.case import Case, Event
from domain.ports import channel_reference_key
from domain.reminders import reminder_outlook
from handlers.central_team import ChannelBinding
from jobs.case_places import CasePlace
from jobs.context import JobContext
from jobs.delivery import Problem, Recipient
from messages import literal, text

log = logging.getLogger(__name__)

CHANNEL_LOCALE = "sv-SE"  # the administrations' channels are Swedish; a channel has no one locale


class NotReady(RetryLater):
    """Routing cannot proceed yet (no channel linked, no reference stored): the worker brings the
    item back shortly, so nothing is lost or long delayed while an admin sets things up."""


def card_activity(card: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


class CaseThreads:
    def __init__(self, context: JobContext) -> None:
        self._references = context.references
        self._team = context.team
        self._sender = context.sender
        self._deliveries = context.deliveries
        self._places = context.places
        self._servicenow_pattern = context.settings.servicenow_pattern
        self._servicenow = context.settings.servicenow_enabled
        self._calendar = context.settings.business_calendar()
        self._policy = context.settings.reminder_policy()
        self._clock = context.clock

    async def post(self, case: Case, channel: ChannelBinding) -> CasePlace | None:
        """Start the case's thread in `channel` with its card and record where it lives; None
        when the channel cannot be reached for good (reported as a leveransproblem)."""
        key = await self.channel_key(channel)
        try:
            conversation_id, activity_id = await self._sender.start_thread(
                key,
                card_activity(await self.shared_card(case)),
                idempotency_key=SendKeys.thread(case.id, channel.channel_id),
            )
        except DeliveryFailed as failure:
            await self._deliveries.failed(Problem(case.number, Recipient(key), "card"), failure)
            return None
        log.info("case %s posted as a new thread", case.number)
        place = CasePlace(thread=conversation_id, card=activity_id)
        await self._places.save(case.id, place)
        return place

    async def reply(self, case: Case, place: CasePlace, event: Event, idempotency_key: str) -> None:
        """One short audit line in the thread: 'Karin Holm tog ärendet.'"""
        what = event_text(event, CHANNEL_LOCALE)
        reply = MessageFactory.text(
            text("thread_reply", CHANNEL_LOCALE, who=literal(event.actor.name), what=what)
        )
        key = await self.channel_key(ChannelBinding(place.channel))
        recipient = Recipient(key, thread=place.thread)
        await self._deliveries.send(case, recipient, reply, what="reply", idempotency_key=idempotency_key)

    async def update_card(self, case: Case, place: CasePlace, card: dict[str, Any] | None = None) -> None:
        """Replace the thread's root card (by default with the case's current shared card)."""
        activity = card_activity(card or await self.shared_card(case))
        key = await self.channel_key(ChannelBinding(place.channel))
        try:
            await self._sender.update(key, place.thread, place.card, activity)
        except DeliveryFailed as failure:
            recipient = Recipient(key, thread=place.thread)
            await self._deliveries.failed(Problem(case.number, recipient, "update"), failure)

    async def shared_card(self, case: Case) -> dict[str, Any]:
        return create_case_card(
            case,
            None,
            await self._team.admins(),
            self._clock(),
            locale=CHANNEL_LOCALE,
            servicenow_pattern=self._servicenow_pattern,
            outlook=reminder_outlook(case, self._clock(), self._calendar, self._policy),
            servicenow=self._servicenow,
        )

    async def channel_key(self, channel: ChannelBinding) -> str:
        """The channel's stored reference key; derived from its team's General channel when the
        bot was installed in the team but never spoken to in this channel."""
        if await self._references.get(channel.reference_key) is not None:
            return channel.reference_key
        team_reference = (
            await self._references.get(channel_reference_key(channel.team_id)) if channel.team_id else None
        )
        if team_reference is None:
            log.warning("no conversation reference for a case channel: install the app in its team; retrying")
            raise NotReady("no reference for the channel")
        conversation = {**team_reference.get("conversation", {}), "id": channel.channel_id}
        await self._references.save(channel.reference_key, {**team_reference, "conversation": conversation})
        return channel.reference_key
