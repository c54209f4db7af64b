"""`@bot påminnelser` / `reminders` in the central channel: what is overdue, most overdue first.

Only in the central channel: the list names every open case of the region, which a
municipality's channel has no business seeing. Case numbers only, never a patient's ids.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext

from domain.business_time import BusinessCalendar
from domain.clock import Clock
from domain.ports import CaseFilter, CaseRepository
from domain.reminders import ReminderPolicy, overdue_summary
from handlers.case_actions import channel_id_of
from handlers.reminder_delivery import Team
from messages import language, text

log = logging.getLogger(__name__)

MAX_LINES = 25  # a channel message should fit on a screen; the rest is counted


class OverdueCommand:
    NAMES = ("påminnelser", "reminders")

    def __init__(
        self,
        cases: CaseRepository,
        team: Team,
        calendar: BusinessCalendar,
        policy: ReminderPolicy,
        clock: Clock,
    ) -> None:
        self._cases = cases
        self._team = team
        self._calendar = calendar
        self._policy = policy
        self._clock = clock

    async def __call__(self, context: TurnContext) -> None:
        locale = context.activity.locale
        central = await self._team.central_channel()
        if central is None or channel_id_of(context) != central.channel_id:
            await context.send_activity(text("reminders_central_only", locale))
            return
        await context.send_activity(await self.summary(locale))

    async def summary(self, locale: str | None) -> str:
        """The message text: one line per overdue case, capped at MAX_LINES."""
        cases = await self._cases.list(CaseFilter(open_only=True))
        overdue = overdue_summary(cases, self._clock(), self._calendar, self._policy)
        if not overdue:
            return text("reminders_none", locale)
        lines = [text("reminders_title", locale, count=len(overdue))]
        for case, kind, hours in overdue[:MAX_LINES]:
            lines.append(
                text(
                    "reminders_line",
                    locale,
                    number=case.number,
                    what=text(f"reminder_kind_{kind.value}", locale),
                    assignee=case.assignee.name if case.assignee else "–",
                    hours=_hours(hours, locale),
                )
            )
        if len(overdue) > MAX_LINES:
            lines.append(text("reminders_more", locale, count=len(overdue) - MAX_LINES))
        return "\n".join(lines)


def _hours(hours: float, locale: str | None) -> str:
    shown = f"{hours:.1f}"
    return shown.replace(".", ",") if language(locale) == "sv" else shown
