"""Drains the outbox and the reminders: claims due items from the store and runs their job.

This is the ONE layer that retries proactive work. The sender makes each connector call once
(msrest's HTTP retries are off, see bot_adapter.py); a job that fails transiently comes back
here and is rescheduled after a backoff with jitter (never sooner than Teams' Retry-After),
until `RetryPolicy.attempts` or `RetryPolicy.max_age` runs out; then it is dead-lettered: one
ERROR line, the `dead_letter` callback (a *leveransproblem* note and record) and done. Permanent
failures never reach this layer as failures: jobs record them and finish.

Claims are atomic in the store, so several replicas on one Redis never run the same item at
once. Each item ends in ONE store write (`DueIndex.settle`): its removal or reschedule, the
send markers of what it sent and the follow-ups it planned (see outbox_scope.py); an item
stopped mid-way (shutdown) records what it sent and is due again at once. The lease only covers
a replica that died mid-item (kill -9): the item is due again when it runs out. Jobs must
therefore be idempotent — the ProactiveSender's send markers make sends so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from adapters import metrics
from adapters.logging_setup import log_context
from adapters.outbox_scope import ItemScope, batch_scope, item_scope
from domain.clock import Clock
from domain.ports import DueIndex, DueItem, Settlement, StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[DueItem], Awaitable[None]]
Prefetch = Callable[[list[DueItem]], Awaitable[None]]
DeadLetter = Callable[[DueItem, Exception, int], Awaitable[None]]
RECANCEL_SECONDS = 0.5  # stop(): how often a loop that is still running is cancelled again


class RetryLater(Exception):
    """A job's "not yet" (no channel linked, no reference stored yet, a send in flight
    elsewhere): the item comes back after `delay` and the wait is not counted as a failure."""

    def __init__(self, message: str, delay: timedelta = timedelta(seconds=15)) -> None:
        super().__init__(message)
        self.delay = delay


class CallFailed(Exception):
    """A call to a service we do not own (Teams' connector, ServiceNow) failed, classified once
    where it was made: `permanent` says whether trying again can help, `retry_after` is the
    service's own wish (seconds). The worker retries the transient ones under its one policy."""

    def __init__(
        self, message: str, *, permanent: bool, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status
        self.retry_after = retry_after
        self.count("permanent" if permanent else "transient")  # raised once per failure

    def count(self, kind: str) -> None:
        """Each kind of failure counts itself in /metrics."""


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff `base * 2**(n-1)` capped at `cap`, jittered over its upper half."""

    attempts: int = 6
    max_age: timedelta = timedelta(hours=1)
    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=10)

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> timedelta:
        ceiling = min(self.cap, self.base * 2 ** (attempt - 1))
        jittered: timedelta = ceiling * (0.5 + rng.random() / 2)
        return max(jittered, timedelta(seconds=retry_after or 0))

    def exhausted(self, attempt: int, since: datetime, now: datetime) -> bool:
        return attempt >= self.attempts or now - since >= self.max_age


async def _no_dead_letter(item: DueItem, error: Exception, attempts: int) -> None:
    return None


class OutboxWorker:
    def __init__(
        self,
        due: DueIndex,
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._due = due
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._lease = lease
        self._batch = batch
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        self._handlers: dict[str, Handler] = {}
        self._prefetch: dict[str, Prefetch] = {}
        self._dead_letter: DeadLetter = _no_dead_letter
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def register(self, kind: str, handler: Handler, *, prefetch: Prefetch | None = None) -> None:
        """`prefetch`, when given, reads what a batch's items of `kind` need at once, before
        they run (into the batch's memo, outbox_scope.py)."""
        self._handlers[kind] = handler
        if prefetch is not None:
            self._prefetch[kind] = prefetch

    def handler(self, kind: str) -> Handler:
        """The job registered for `kind` (drills and tests run one item as a replica would)."""
        return self._handlers[kind]

    def on_dead_letter(self, callback: DeadLetter) -> None:
        self._dead_letter = callback

    def wake(self) -> None:
        """Look for work now instead of at the next poll (after this replica queued some)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and run one batch; returns how many items were finished."""
        return (await self._run_batch())[1]

    async def _run_batch(self) -> tuple[int, int]:
        """(claimed, finished). Items that wait or failed are rescheduled out of sight, so a
        full batch is worth following with another at once; after a smaller one nothing else was
        due at its claim, and what this replica queues since then wakes the loop (`wake`), what
        another queues or what falls due later is found by the poll."""
        items = await self._due.claim_due(self._clock(), self._batch, self._lease)
        done = 0
        with batch_scope():  # what every item reads alike is read once (outbox_scope.py)
            for kind, prefetch in self._prefetch.items():
                if mine := [item for item in items if item.payload.get("kind") == kind]:
                    await prefetch(mine)
            for item in items:
                done += await self._run_item(item)
        return len(items), done

    async def _run_item(self, item: DueItem) -> bool:
        """Run one item's job and settle it in one store write: removed (True), or rescheduled."""
        kind = str(item.payload.get("kind"))
        handler = self._handlers.get(kind)
        if handler is None:
            log.error("no handler for outbox item kind %r; dropping it", kind)
            await self._due.settle(item, Settlement())
            return True
        with item_scope() as scope:
            try:
                with log_context(job=kind):  # log lines name job and case
                    await handler(item)
            except RetryLater as later:
                log.debug("outbox item %s not ready: %s", item.item_id, later)
                # Rescheduling clears the claim, so the item is simply due again soon.
                await self._settle(item, scope, again_at=self._clock() + later.delay)
                return False
            except asyncio.CancelledError:
                # Stopping (SIGTERM, a new revision) mid-item: what it already sent is recorded
                # and the item is due again at once, for a replica that stays; else a send made
                # since the item's last claim would go out again after the lease.
                if scope.sent or scope.then:
                    try:
                        await self._settle(item, scope, again_at=self._clock())
                    except Exception as error:
                        log.warning(
                            "outbox item %s stopped mid-way; its lease brings it back: %s",
                            item.item_id,
                            error,
                        )
                raise
            except StoreUnavailable:
                # Not the item's fault: the loop pauses and the lease brings it back. What went
                # out is recorded if the store answers again at once.
                if scope.sent or scope.then:
                    with contextlib.suppress(StoreUnavailable):
                        await self._settle(item, scope, again_at=self._clock() + self._lease)
                raise
            except Exception as error:
                return await self._retry_or_dead_letter(item, error, scope)
            await self._settle(item, scope)
            return True

    async def _settle(
        self,
        item: DueItem,
        scope: ItemScope,
        *,
        again_at: datetime | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        settlement = Settlement(again_at, payload, tuple(scope.then), scope.take_sent())
        await self._due.settle(item, settlement)

    async def _retry_or_dead_letter(self, item: DueItem, error: Exception, scope: ItemScope) -> bool:
        """Reschedule a failed item, or dead-letter it once its attempts or age ran out (True)."""
        now = self._clock()
        state = item.payload.get("retry") or {}
        attempt = int(state.get("attempt", 0)) + 1
        since = datetime.fromisoformat(state["since"]) if state.get("since") else now
        kind = item.payload.get("kind")
        if self._policy.exhausted(attempt, since, now):
            log.error(
                "outbox item %s (%s) dead-lettered after %d attempts in %s: %s",
                item.item_id,
                kind,
                attempt,
                now - since,
                error,
            )
            metrics.dead_lettered(str(kind))
            try:
                await self._dead_letter(item, error, attempt)
            except Exception as note_error:  # the note is best effort; the log line above is not
                log.warning("could not record the dead letter of %s: %s", item.item_id, note_error)
            await self._settle(item, scope)
            return True
        delay = self._policy.delay(attempt, getattr(error, "retry_after", None), self._rng)
        known = hasattr(error, "permanent")  # a classified delivery failure, not a bug
        log.warning(
            "outbox item %s (%s) failed: %s; attempt %d of %d, next in %.0f s",
            item.item_id,
            kind,
            error,
            attempt,
            self._policy.attempts,
            delay.total_seconds(),
            exc_info=not known,
        )
        payload = {**item.payload, "retry": {"attempt": attempt, "since": since.isoformat()}}
        await self._settle(item, scope, again_at=now + delay, payload=payload)
        return False

    async def run_until_idle(self, max_rounds: int = 50) -> int:
        """Tests and `make run` start-up: keep running batches while there is due work."""
        total = 0
        for _ in range(max_rounds):
            claimed, handled = await self._run_batch()
            total += handled
            if claimed == 0:
                break
        return total

    async def _loop(self) -> None:
        while not self._stopping:  # a cancellation a job swallowed still ends the loop here
            try:
                claimed, _ = await self._run_batch()
            except StoreUnavailable as error:
                log.warning("outbox paused: store unavailable (%s)", error)
                claimed = 0
            except Exception:
                log.exception("outbox round failed")
                claimed = 0
            if claimed >= self._batch or self._stopping:
                continue  # a full batch: more may be due now
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives as the awaited call finishes (CPython gh-86296), e.g. a wake() during stop().
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()
            self._wake.clear()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="outbox-worker")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop within `timeout` s: shutdown (SIGTERM, a test's teardown) must be bounded.

        A cancellation can be lost inside a job (a library's wait_for on Python 3.11, see
        `_loop`), so the loop is cancelled again every `RECANCEL_SECONDS` while it runs and checks
        `_stopping` between rounds. A job stuck in a call that ignores every cancellation is left
        behind with an ERROR line; its claim runs out after the lease."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not task.done() and (left := deadline - loop.time()) > 0:
            task.cancel()
            await asyncio.wait({task}, timeout=min(RECANCEL_SECONDS, left))
        if not task.done():
            log.error("outbox worker did not stop within %.0f s of being cancelled; left behind", timeout)
            return
        if task.cancelled() or task.exception() is None:
            return
        log.error("outbox worker ended with %r", task.exception())  # _loop catches Exception: a bug
