"""`@bot påminnelser` / `reminders` in the central channel: what is overdue, most overdue first,
then the delivery problems (messages that could not be delivered, jobs/delivery.py).

Only in the central channel: the list names every open case of the region, which a
municipality's channel has no business seeing. Case numbers only, never a patient's ids.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext

from domain.clock import Clock
from domain.queue import CaseQueue
from handlers.case_actions import channel_id_of
from jobs.delivery import DeliveryProblems, describe
from jobs.reminder_delivery import Team
from messages import language, literal, text

log = logging.getLogger(__name__)

MAX_LINES = 25  # a channel message should fit on a screen; the rest is counted


class OverdueCommand:
    NAMES = ("påminnelser", "reminders")

    def __init__(self, queue: CaseQueue, team: Team, clock: Clock, problems: DeliveryProblems) -> None:
        self._queue = queue
        self._problems = problems
        self._team = team
        self._clock = clock

    async def __call__(self, context: TurnContext) -> None:
        locale = context.activity.locale
        central = await self._team.central_channel()
        if central is None or channel_id_of(context) != central.channel_id:
            await context.send_activity(text("reminders_central_only", locale))
            return
        await context.send_activity(await self.summary(locale))

    async def summary(self, locale: str | None) -> str:
        """The message text: one line per overdue case, capped at MAX_LINES. Read from the idle
        index: the cost does not grow with the number of open cases."""
        overdue = await self._queue.overdue(self._clock(), MAX_LINES)
        problems = await self._problems.recent()
        if not overdue.overdue_total and not problems:
            return text("reminders_none", locale)
        lines = (
            [text("reminders_title", locale, count=overdue.overdue_total)] if overdue.overdue_total else []
        )
        for row in overdue.rows:
            lines.append(
                text(
                    "reminders_line_assigned" if row.case.assignee else "reminders_line",
                    locale,
                    number=row.case.number,
                    what=text(f"reminder_kind_{row.kind.value}", locale),
                    assignee=literal(row.case.assignee.name) if row.case.assignee else "",
                    hours=_hours(row.overdue_hours or 0.0, locale),
                )
            )
        if overdue.overdue_total > len(overdue.rows):
            lines.append(text("reminders_more", locale, count=overdue.overdue_total - len(overdue.rows)))
        if problems:
            lines.append(text("reminders_problems_title", locale, count=len(problems)))
            lines.extend(
                text("reminders_problem_line", locale, **describe(p, locale)) for p in problems[:MAX_LINES]
            )
        return "\n".join(lines)


def _hours(hours: float, locale: str | None) -> str:
    shown = f"{hours:.1f}"
    return shown.replace(".", ",") if language(locale) == "sv" else shown
