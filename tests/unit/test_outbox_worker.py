"""The outbox worker of the production app: completes what succeeds, retries what fails after a
backoff (not the lease), brings back what waits sooner, and dead-letters what keeps failing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from adapters.outbox_worker import RetryLater, RetryPolicy


async def test_done_items_complete_failed_ones_back_off_and_not_ready_ones_come_sooner(
    start_bot, settings_for
):
    bot = await start_bot(settings_for(outbox_poll_seconds=0))
    worker, due, clock = bot.services.worker, bot.services.stores.due, bot.clock
    calls: list[str] = []

    async def handle(item):
        calls.append(item.item_id)
        if item.item_id == "boom":
            raise RuntimeError("transient")
        if item.item_id == "wait" and len(calls) < 4:
            raise RetryLater("no channel yet", delay=timedelta(seconds=15))

    worker.register("job", handle)
    for item_id in ("ok", "boom", "wait"):
        await due.schedule(item_id, clock(), {"kind": "job"})
    assert await worker.run_once() == 1  # only "ok" completed
    clock.advance(seconds=2)
    calls.clear()
    assert await worker.run_once() == 0
    assert calls == []  # "boom" backs off at least half its first delay (5 s); "wait" 15 s
    clock.advance(minutes=10)
    calls.clear()
    await worker.run_once()
    assert sorted(calls) == ["boom", "wait"]


async def test_an_item_that_keeps_failing_is_dead_lettered_once(start_bot, settings_for):
    bot = await start_bot(settings_for(outbox_poll_seconds=0, outbox_retry_attempts=3))
    worker, due, clock = bot.services.worker, bot.services.stores.due, bot.clock
    calls: list[int] = []

    async def always_fails(item):
        calls.append(item.payload.get("retry", {}).get("attempt", 0))
        raise RuntimeError("still broken")

    worker.register("job", always_fails)
    await due.schedule("doomed", clock(), {"kind": "job"})
    for _ in range(6):
        await worker.run_once()
        clock.advance(minutes=10)  # past each backoff, inside OUTBOX_RETRY_MAX_AGE_MINUTES
    assert calls == [0, 1, 2]  # three attempts in all, then it is gone
    assert await due.claim_due(clock() + timedelta(days=1), 10, timedelta(minutes=1)) == []


def test_the_backoff_doubles_with_jitter_honours_retry_after_and_stops_at_attempts_or_age():
    policy = RetryPolicy(attempts=4, max_age=timedelta(hours=1), base=timedelta(seconds=5))
    rng = random.Random(7)
    delays = [policy.delay(n, None, rng).total_seconds() for n in (1, 2, 3)]
    assert 2.5 <= delays[0] <= 5 and 5 <= delays[1] <= 10 and 10 <= delays[2] <= 20
    assert policy.delay(1, 120, rng) == timedelta(seconds=120)  # Retry-After wins
    assert policy.delay(30, None, rng) <= timedelta(minutes=10)
    start = datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert not policy.exhausted(3, start, start + timedelta(minutes=59))
    assert policy.exhausted(4, start, start)
    assert policy.exhausted(1, start, start + timedelta(hours=1))
