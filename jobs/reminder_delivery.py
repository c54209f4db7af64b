"""The outbox handler for kind "reminder": nudge the people a stalled case waits on.

Per kind (see domain.reminders): UNASSIGNED → the case thread in the central channel (or the
channel itself while the case has no thread); STEP_IDLE and VENDOR_WAIT → the assignee's 1:1
chat and the case thread; AWAITING_FORWARD → the thread in the municipality's channel. From the
policy's `escalate_from`-th reminder the central channel's message also @mentions the admin leads.
Texts carry the case number only, never a patient's ids.

The worker may run an item twice (a lease ran out, a replica died): every send has an
idempotency key (reminder key + recipient) and the follow-up has a fixed item id, so a rerun
repeats nothing. Failures take the jobs' one path (jobs/delivery.py): a transient one raises
for the worker's retry policy; a permanent one (403, 404, no stored reference) is recorded once
per recipient and posted once to the central channel as a *leveransproblem* note, not retried.
"""

from __future__ import annotations

import logging
from typing import Protocol

from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, Mention

from adapters import metrics
from adapters.outbox_scope import batch_memo, batch_remember, current_item
from adapters.outbox_worker import RetryLater
from adapters.store_keys import SendKeys
from cards.case_card import mention_text
from domain.case import Case, Person
from domain.ports import DueItem, OutboxItem, user_reference_key
from domain.reminder_schedule import ReminderPlanner, ScheduledReminder, follow_up, is_current
from domain.reminders import ReminderKind
from handlers.central_team import ChannelBinding, parse_people
from jobs.context import JobContext
from jobs.delivery import Recipient
from messages import literal, text

log = logging.getLogger(__name__)

LOCALE = "sv-SE"  # proactive reminders have no turn to take a locale from; the team is Swedish
_TO_ASSIGNEE = frozenset({ReminderKind.STEP_IDLE, ReminderKind.VENDOR_WAIT})


class Team(Protocol):
    """What reminders need of handlers.central_team.CentralTeam."""

    async def central_channel(self) -> ChannelBinding | None: ...
    async def home_channel(self, case: Case) -> ChannelBinding | None: ...
    async def admins(self) -> list[Person]: ...
    def is_lead(self, person: Person) -> bool: ...


class NoChannelYet(RetryLater):
    """No central channel is configured or linked yet: the worker brings the item back shortly."""


def assignee_key(person: Person) -> str:
    return user_reference_key(person.id, person.aad_id)


class ReminderDelivery:
    def __init__(self, context: JobContext, planner: ReminderPlanner) -> None:
        self._places = context.places
        self._cases = context.stores.cases
        self._planner = planner
        self._deliveries = context.deliveries
        self._team: Team = context.team
        self._lead_ids = parse_people(context.settings.admin_lead_ids)

    async def __call__(self, item: DueItem) -> None:
        try:
            reminder = ScheduledReminder.from_payload(item.payload, item.due_at)
        except ValueError as error:
            log.error("dropping outbox item %s: %s", item.item_id, error)
            return
        case = await batch_memo(("case", reminder.case_id), lambda: self._cases.get(reminder.case_id))
        if case is None or not is_current(case, reminder):
            log.info("reminder %s is stale (the case moved on); dropped", item.item_id)
            return
        await self._send_all(case, reminder)
        metrics.reminder_sent(reminder.kind.value)
        planned = follow_up(case, reminder, self._planner.calendar, self._planner.policy)
        if planned is None:
            return
        scope = current_item()
        if scope is None:
            await self._planner.schedule(planned)
        else:  # written with this item's settlement: one store write for both
            scope.then.append(OutboxItem(planned.item_id, planned.due_at, planned.payload()))

    async def prefetch(self, items: list[DueItem]) -> None:
        """The batch's cases and thread places in two reads instead of two per item."""
        ids = list(dict.fromkeys(str(item.payload.get("case_id") or "") for item in items))
        found = {case.id: case for case in await self._cases.get_many(ids)}
        for case_id in ids:
            batch_remember(("case", case_id), found.get(case_id))
        await self._places.prefetch(ids)

    async def _send_all(self, case: Case, reminder: ScheduledReminder) -> None:
        kind, number = reminder.kind, case.number
        assignee = literal(case.assignee.name) if case.assignee else ""
        if kind in _TO_ASSIGNEE and case.assignee is not None:
            target = Recipient(assignee_key(case.assignee), person=case.assignee.name)
            message = text(f"reminder_{kind.value}_assignee", LOCALE, number=number)
            await self._deliver(case, reminder, target, _message(message))
        channel, central = await self._channel_target(case), await self._team.central_channel()
        message = text(f"reminder_{kind.value}_channel", LOCALE, number=number, assignee=assignee)
        if not reminder.escalate:
            await self._deliver(case, reminder, channel, _message(message))
            return
        leads = await self._leads()
        escalation = text(
            "reminder_escalation",
            LOCALE,
            number=number,
            count=reminder.sequence,
            mentions=" ".join(mention_text(lead) for lead in leads),
        ).strip()
        if central is not None and channel.reference_key == central.reference_key:
            await self._deliver(case, reminder, channel, _message(f"{message}\n\n{escalation}", leads))
            return
        # The thread is in a municipality's channel, where the central leads may not be members.
        await self._deliver(case, reminder, channel, _message(message))
        if central is not None:
            await self._deliver(case, reminder, Recipient(central.reference_key), _message(escalation, leads))

    async def _channel_target(self, case: Case) -> Recipient:
        place = await self._places.get(case.id)
        if place is not None:
            return Recipient(ChannelBinding(place.channel).reference_key, thread=place.thread)
        home = await self._team.home_channel(case)
        if home is None:
            log.warning("reminder for case %s waits for a central channel ('koppla kanal')", case.number)
            raise NoChannelYet("no central channel")
        return Recipient(home.reference_key)

    async def _leads(self) -> list[Person]:
        """Admin leads to @mention: with the Teams id and name the roster learned where it did,
        else as configured (Teams also resolves a mention by Entra object id)."""
        known = [person for person in await self._team.admins() if self._team.is_lead(person)]
        covered = {key for person in known for key in (person.id, person.aad_id) if key}
        rest = [
            Person(id=key, name=name or key) for key, name in self._lead_ids.items() if key not in covered
        ]
        return known + rest

    async def _deliver(
        self, case: Case, reminder: ScheduledReminder, target: Recipient, activity: Activity
    ) -> None:
        key = SendKeys.reminder(reminder.key, target.key)
        await self._deliveries.send(case, target, activity, what="reminder", idempotency_key=key)


def _message(body: str, mentioned: list[Person] | None = None) -> Activity:
    entities = [
        Mention(
            mentioned=ChannelAccount(id=person.id, name=person.name),
            text=mention_text(person),
            type="mention",
        )
        for person in mentioned or []
    ]
    return Activity(type=ActivityTypes.message, text=body, text_format="markdown", entities=entities or None)
