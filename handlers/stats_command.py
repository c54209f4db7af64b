"""`@bot statistik [period]` / `statistics` in the central channel (admins): cases filed per
month by type and organisation, how they ended, and lead times, as a card with bars.

Only in the central channel and only for admins: even counts of protected-identity reports are
not for every channel member. Read from the monthly counters (domain/stats_report.py), never from
the cases, so it answers in the same time at 100 or 100,000 cases.
"""

from __future__ import annotations

import logging

from botbuilder.core import CardFactory, MessageFactory, TurnContext

from cards.stats_card import create_stats_card
from config import Settings
from domain.business_time import BusinessCalendar
from domain.municipalities import default_label
from domain.stats_period import PeriodError
from domain.stats_report import StatisticsService
from handlers.case_actions import actor_of, channel_id_of
from handlers.central_team import CentralTeam
from handlers.channel_commands import command_argument
from messages import text

log = logging.getLogger(__name__)


class StatsCommand:
    NAMES = ("statistik", "statistics", "stats")

    def __init__(
        self, service: StatisticsService, team: CentralTeam, settings: Settings, calendar: BusinessCalendar
    ) -> None:
        self._service = service
        self._team = team
        self._calendar = calendar
        self._labels = {m.name: m.label for m in settings.municipality_list()}

    async def __call__(self, context: TurnContext) -> None:
        locale = context.activity.locale
        central = await self._team.central_channel()
        if central is None or channel_id_of(context) != central.channel_id:
            await context.send_activity(text("stats_central_only", locale))
            return
        if not self._team.is_admin(actor_of(context)):
            log.warning("refused 'statistik' from a non-admin")
            await context.send_activity(text("stats_refused", locale))
            return
        try:
            report = await self._service.report(command_argument(context, self.NAMES))
        except PeriodError as error:
            await context.send_activity(text(f"stats_period_{error.code}", locale))
            return
        card = create_stats_card(
            report,
            locale,
            organisation_label=self.label,
            day_hours=self._calendar.day_hours,
            office=(f"{self._calendar.opens:%H:%M}", f"{self._calendar.closes:%H:%M}"),
        )
        await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    def label(self, name: str) -> str:
        """The display form of a stored organisation name."""
        if name in self._labels:
            return self._labels[name]
        return name if name.lower().startswith("region") else default_label(name)
