"""`@bot översikt` / `overview` in the central channel (admins): every open case, most urgent
first, a page at a time (cards/overview_card.py), and the card's paging clicks.

Only admins, and only in the central channel: the list names every open case of the region. The
work per request is bounded: one window of the stores' idle index (domain/queue.py), the bodies
of the cases shown and their threads' places in one read each; never every open case.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext

from cards.common import Card, card_invoke_response
from cards.overview_card import OVERVIEW_PAGE, PAGE_SIZE, TeamContext, create_overview_card, thread_link
from domain.clock import Clock
from domain.queue import START, CaseQueue, Cursor
from handlers.card_actions import InvokeBody, Refuser
from handlers.card_data import PageData
from handlers.case_actions import actor_of, channel_id_of
from handlers.central_team import CentralTeam, ChannelBinding
from jobs.case_places import CasePlaces
from messages import text

log = logging.getLogger(__name__)


class OverviewCommand:
    NAMES = ("översikt", "oversikt", "overview")
    VERB = OVERVIEW_PAGE

    def __init__(
        self, queue: CaseQueue, team: CentralTeam, places: CasePlaces, clock: Clock, refuse: Refuser
    ) -> None:
        self._queue = queue
        self._team = team
        self._places = places
        self._clock = clock
        self._refuse = refuse

    async def __call__(self, context: TurnContext) -> None:
        """The @mention: the first page, as a new card in the thread it was typed in."""
        locale = context.activity.locale
        if not self._team.is_admin(actor_of(context)):
            log.warning("refused 'översikt' from a non-admin")
            await context.send_activity(text("overview_refused", locale))
            return
        central = await self._central_channel(context)
        if central is None:
            await context.send_activity(text("overview_central_only", locale))
            return
        card = await self.card(context, START, central)
        await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    async def page(self, context: TurnContext, data: PageData) -> InvokeBody:
        """Föregående / Nästa / Uppdatera: the card that replaces the clicked one."""
        if not self._team.is_admin(actor_of(context)):
            return await self._refuse(context, self.VERB, "not_admin", None)
        central = await self._central_channel(context)
        if central is None:
            return await self._refuse(context, self.VERB, "wrong_conversation", None)
        return card_invoke_response(await self.card(context, data.page, central))

    async def card(self, context: TurnContext, start: Cursor, central: ChannelBinding) -> Card:
        locale = context.activity.locale
        now = self._clock()
        window = await self._queue.window(now, start, PAGE_SIZE)
        note = ""
        if not window.rows and window.position:
            # The list shrank since the card was shown (cases ended) or the cursor is made up:
            # the beginning, said plainly, instead of an empty page.
            note = text("overview_moved", locale)
            start = START
            window = await self._queue.window(now, start, PAGE_SIZE)
        places = await self._places.get_many([row.case.id for row in window.rows])
        team = _team_context(context)
        links = {
            case_id: link
            for case_id, place in places.items()
            # A thread in a municipality's channel belongs to another team: no link into it.
            if place.channel == central.channel_id
            if (link := thread_link(place.thread, team))
        }
        return create_overview_card(window, start, links, now, locale, note)

    async def _central_channel(self, context: TurnContext) -> ChannelBinding | None:
        """The central channel when the activity came from it, else None."""
        central = await self._team.central_channel()
        return central if central is not None and channel_id_of(context) == central.channel_id else None


def _team_context(context: TurnContext) -> TeamContext:
    """The tenant and the team's Entra group id, as Teams sends them on a channel activity."""
    activity = context.activity
    data: dict[str, Any] = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team")
    team = team if isinstance(team, dict) else {}
    tenant = data.get("tenant")
    tenant = tenant if isinstance(tenant, dict) else {}
    tenant_id = (activity.conversation.tenant_id if activity.conversation else None) or tenant.get("id")
    return TeamContext(tenant_id=str(tenant_id or ""), group_id=str(team.get("aadGroupId") or ""))
