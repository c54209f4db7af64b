"""The case card's Action.Execute verbs: steps 3.3 / 4.3, assignment, forwarding, refresh.

Every handler re-reads the case, checks where the click came from and who clicked, checks the
card's version, and only then acts through CaseService. The answer is always a card (Teams
replaces the clicked one with it) and comes within the 5 s budget: nothing is sent to other
conversations here; the thread reply and the notifications go through the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext

from cards.case_buttons import offered_actions
from cards.case_card import create_case_card, create_forwarded_card, create_refusal_card
from cards.case_verbs import REFRESH, card_version
from cards.common import card_invoke_response
from config import Settings
from domain.case import Action, Case, CaseError, Person, Status
from domain.clock import Clock
from domain.ports import VersionConflict
from domain.reminders import reminder_outlook
from domain.services import CaseService
from handlers.card_actions import InvokeBody
from handlers.card_data import CardData, is_own_last_step
from handlers.case_inputs import InvalidInput, step_inputs
from handlers.central_team import CentralTeam
from jobs.case_places import CasePlace, CasePlaces
from messages import text

log = logging.getLogger(__name__)

UNKNOWN_CASE = "-"  # the audit log's bucket for clicks that name no existing case


def actor_of(context: TurnContext) -> Person:
    user = context.activity.from_property
    return Person(id=user.id, name=user.name or "", aad_id=user.aad_object_id or "")


def _channel_data_field(context: TurnContext, name: str) -> str:
    data = context.activity.channel_data
    field = data.get(name) if isinstance(data, dict) else None
    return str(field.get("id") or "") if isinstance(field, dict) else ""


def channel_id_of(context: TurnContext) -> str:
    """The Teams channel an activity came from (channelData.channel.id); "" outside channels."""
    return _channel_data_field(context, "channel")


def team_id_of(context: TurnContext) -> str:
    return _channel_data_field(context, "team")


class CaseActions:
    def __init__(
        self, service: CaseService, team: CentralTeam, places: CasePlaces, settings: Settings, clock: Clock
    ) -> None:
        self._service = service
        self._places = places
        self._cases = service.cases
        self._team = team
        self._clock = clock
        self._servicenow = re.compile(settings.servicenow_pattern)
        self._servicenow_enabled = settings.servicenow_enabled
        self._calendar = settings.business_calendar()
        self._policy = settings.reminder_policy()

    def handler(self, action: Action) -> Callable[[TurnContext, CardData], Awaitable[InvokeBody]]:
        """The handler of one card verb (handlers/triggers.py maps every verb to one)."""

        async def handle(context: TurnContext, data: CardData) -> InvokeBody:
            return await self.act(context, action, data)

        return handle

    # --- the answers -----------------------------------------------------------------------------
    async def _card(
        self,
        context: TurnContext,
        case: Case,
        viewer: Person | None,
        note: str = "",
        *,
        admins: list[Person] | None = None,
        **values: object,
    ) -> InvokeBody:
        """The case card for `viewer`; `note` is a message key shown on top of it. `admins`: the
        roster this turn already read (else it is read here)."""
        locale = context.activity.locale
        card = create_case_card(
            case,
            viewer,
            admins if admins is not None else await self._team.admins(),
            self._clock(),
            locale=locale,
            servicenow_pattern=self._servicenow.pattern,
            note=text(note, locale, **values) if note else "",
            outlook=reminder_outlook(case, self._clock(), self._calendar, self._policy),
            servicenow=self._servicenow_enabled,
        )
        return card_invoke_response(card)

    async def _refuse(
        self, context: TurnContext, case_id: str, actor: Person, reason: str, verb: str
    ) -> InvokeBody:
        """Nothing changes; the refusal is audited (who, from where, what they tried)."""
        log.warning("refused %s on a case card: %s", verb, reason)
        # A forged case id is whatever the sender typed: it is audited under UNKNOWN_CASE, never kept.
        audit_id = UNKNOWN_CASE if reason == "no_such_case" else case_id
        await self._service.refuse(audit_id, actor, context.activity.conversation.id, f"{reason}:{verb}")
        return card_invoke_response(create_refusal_card(reason, context.activity.locale))

    async def refuse_forged(
        self, context: TurnContext, verb: str, reason: str, case_id: str | None
    ) -> InvokeBody:
        """A verb no card offers or data no card sends: refused, and audited with the case it
        names when that case exists (else under UNKNOWN_CASE: a forged id is never kept)."""
        case = await self._cases.get(case_id) if case_id else None
        audit_id = case.id if case is not None else UNKNOWN_CASE
        return await self._refuse(context, audit_id, actor_of(context), reason, verb)

    # --- authorisation -----------------------------------------------------------------------------
    async def _read(self, case_id: str) -> tuple[Case | None, CasePlace | None, dict[str, dict[str, Any]]]:
        """What every click needs, in two reads at once instead of three in a row: the case, and
        in one document read where its thread is and the admin roster (for `learn`). On Redis
        the two commands are in flight together; on SQLite they run back to back on the reader's
        thread (not behind a commit) with one wait for the event loop, not three."""
        case, found = await asyncio.gather(
            self._cases.get(case_id), self._team.read_with_roster([CasePlaces.key(case_id)])
        )
        return case, CasePlaces.parse(found.get(CasePlaces.key(case_id))), found

    async def _in_case_conversation(self, context: TurnContext, case: Case, place: CasePlace | None) -> bool:
        """The case's own thread; before its thread is saved, the channel it is posted to.
        `place`: where the case's thread is, read with the case (`_read`)."""
        channel = channel_id_of(context)
        if place is not None:
            return context.activity.conversation.id == place.thread and channel == place.channel
        home = await self._team.home_channel(case)
        return home is not None and channel == home.channel_id

    def _may(self, actor: Person, case: Case, action: Action) -> bool:
        if action is Action.FORWARD and case.status is Status.AWAITING_FORWARD:
            return self._team.may_forward(actor)
        return self._team.is_admin(actor)

    async def _authorise(
        self, context: TurnContext, case: Case | None, place: CasePlace | None, action: Action
    ) -> str | None:
        if case is None:
            return "no_such_case"
        if not await self._in_case_conversation(context, case, place):
            return "wrong_conversation"
        if not self._may(actor_of(context), case, action):
            return "not_admin"
        return None

    # --- verbs -----------------------------------------------------------------------------------
    async def refresh(self, context: TurnContext, data: CardData) -> InvokeBody:
        """The viewer's own card. A non-admin in the thread gets the shared card, not a refusal:
        a refresh only reads, and the card must not turn into an error for channel members."""
        actor = actor_of(context)
        case_id = data.case_id
        case, place, read = await self._read(case_id)
        if case is None or not await self._in_case_conversation(context, case, place):
            reason = "no_such_case" if case is None else "wrong_conversation"
            return await self._refuse(context, case_id, actor, reason, REFRESH)
        admins = await self._team.learn([actor], read=read)  # learns admins only
        if not self._team.is_admin(actor):
            return await self._card(context, case, None, admins=admins)
        return await self._card(context, case, actor, admins=admins)

    async def act(self, context: TurnContext, action: Action, data: CardData) -> InvokeBody:
        actor = actor_of(context)
        verb = f"case.{action.value}"
        case_id = data.case_id
        case, place, read = await self._read(case_id)
        if reason := await self._authorise(context, case, place, action):
            return await self._refuse(context, case_id, actor, reason, verb)
        assert case is not None  # _authorise refuses a missing case
        admins = await self._team.learn([actor], read=read)  # one roster read serves the whole click
        if data.version != card_version(case):
            if is_own_last_step(case, data.version, action, actor):
                # This very click was recorded, but its answer was lost (a store or network
                # hiccup): show the result, not "nothing changed".
                return await self._card(context, case, actor, admins=admins)
            # a double click ends here
            return await self._card(context, case, actor, "note_stale", admins=admins)
        if action is Action.TAKE and case.assignee is not None and case.assignee.id == actor.id:
            # The holder clicked "Ta över" on the shared card (Teams showed it without her own
            # view: a client without per-user views, or beyond the 60 refresh ids): her steps.
            return await self._card(context, case, actor, admins=admins)
        if action not in offered_actions(case, actor, self._servicenow_enabled):
            # The card never offered this (a forged or replayed verb): audited, nothing changes.
            await self._service.refuse(
                case.id, actor, context.activity.conversation.id, f"not_allowed:{verb}"
            )
            return await self._card(context, case, actor, "note_not_allowed", admins=admins)
        try:
            detail, target = step_inputs(action, data, self._servicenow, admins)
        except InvalidInput as invalid:
            return await self._card(context, case, actor, invalid.key, admins=admins, **invalid.values)
        return await self._apply(context, case, actor, action, detail, target, admins)

    async def _apply(
        self,
        context: TurnContext,
        case: Case,
        actor: Person,
        action: Action,
        detail: str,
        target: Person | None,
        admins: list[Person],
    ) -> InvokeBody:
        """Act on the version read. Only domain changes write a case, so a conflict means someone
        acted first: our own click repeated (show the step), or another admin won (show the case
        as it is now)."""
        seen = card_version(case)
        try:
            saved, _event = await self._service.act(
                case, action, actor, context.activity.conversation.id, detail=detail, target=target
            )
        except CaseError as error:
            log.info("case action %s refused by the state machine: %s", action.value, error.code)
            return await self._card(context, case, actor, "note_not_allowed", admins=admins)
        except VersionConflict:
            fresh = await self._cases.get(case.id)
            if fresh is not None and is_own_last_step(fresh, seen, action, actor):
                return await self._card(context, fresh, actor, admins=admins)  # our own write, retried
            return await self._card(context, fresh or case, actor, "note_conflict", admins=admins)
        if action is Action.FORWARD:
            return card_invoke_response(create_forwarded_card(saved, context.activity.locale))
        return await self._card(context, saved, actor, admins=admins)
