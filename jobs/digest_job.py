"""The outbox handler for kind "digest": the weekly summary in the central channel.

Planned at start (`plan`, every replica: the item id names the ISO week, so they plan one item)
and by each digest for the next week, before it sends, so a send that fails and is retried never
loses the next one. The message goes through the proactive sender with the item id as its
idempotency key: two replicas, or a rerun after a lease ran out, post it once. A digest that
falls due a whole cycle late (the bot was down for a week, the clock jumped) is skipped rather
than posting stale numbers. Counts only, never a case's ids.
"""

from __future__ import annotations

import logging
from datetime import datetime

from adapters.outbox_worker import OutboxWorker
from adapters.proactive import DeliveryFailed
from domain.clock import STOCKHOLM
from domain.digest import KIND, item_id, previous_week
from domain.ports import DueItem
from domain.queue import CaseQueue
from domain.stats_report import StatisticsService
from jobs.context import JobContext
from jobs.delivery import Problem, Recipient, message
from messages import text

log = logging.getLogger(__name__)

LOCALE = "sv-SE"  # the central team's channel is Swedish


class WeeklyDigest:
    def __init__(self, context: JobContext, queue: CaseQueue, statistics: StatisticsService) -> None:
        self._schedule = context.settings.digest()
        self._due = context.stores.due
        self._queue = queue
        self._statistics = statistics
        self._team = context.team
        self._sender = context.sender
        self._deliveries = context.deliveries
        self._clock = context.clock

    def register(self, worker: OutboxWorker) -> None:
        worker.register(KIND, self)

    async def plan(self) -> datetime | None:
        """Put the next digest in the due index (start-up; idempotent across replicas)."""
        if self._schedule is None:
            return None
        return await self._plan_after(self._clock())

    async def _plan_after(self, moment: datetime) -> datetime:
        assert self._schedule is not None
        at = self._schedule.next_run(moment)  # strictly after `moment`: never due at once again
        await self._due.schedule(item_id(at), at, {"kind": KIND})
        return at

    async def __call__(self, item: DueItem) -> None:
        if self._schedule is None:
            log.info("weekly digest %s dropped: DIGEST_SCHEDULE is off", item.item_id)
            return
        now = self._clock()
        await self._plan_after(max(now, item.due_at))
        if now >= self._schedule.next_run(item.due_at):
            log.info("weekly digest %s skipped: a whole week late", item.item_id)
            return
        central = await self._team.central_channel()
        if central is None:
            log.warning("weekly digest %s skipped: no central channel yet ('koppla kanal')", item.item_id)
            return
        body = await self.compose(now)
        try:
            await self._sender.send(central.reference_key, message(body), idempotency_key=item.item_id)
        except DeliveryFailed as failure:
            week = text("digest_problem_label", LOCALE, week=_week_number(now))
            await self._deliveries.failed(Problem(week, Recipient(central.reference_key), "digest"), failure)

    async def compose(self, now: datetime) -> str:
        """The digest's text at `now`: open and overdue cases now, what happened last week.
        Read from the idle index and the statistics counters: bounded however many cases."""
        queue = await self._queue.overdue(now, 0)
        start, end = previous_week(now)
        week = await self._statistics.day_counts(start, end)
        return text(
            "digest",
            LOCALE,
            week=_week_number(now),
            open=queue.open_total,
            overdue=queue.overdue_total,
            filed=week.get("filed", 0),
            closed=week.get("closed", 0),
            rejected=week.get("rejected", 0),
            withdrawn=week.get("withdrawn", 0),
        )


def _week_number(at: datetime) -> int:
    return at.astimezone(STOCKHOLM).isocalendar()[1]
