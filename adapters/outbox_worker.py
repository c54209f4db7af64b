"""Drains the outbox and the reminders: claims due items from the store and runs their handler.

Claims are atomic in the store, so several replicas on one Redis never run the same item at
once; an item whose handler fails (or whose replica dies) becomes due again when its lease
runs out. Handlers must therefore be idempotent — the ProactiveSender's keys make sends so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from domain.clock import Clock
from domain.ports import DueIndex, DueItem, StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[DueItem], Awaitable[None]]


class RetryLater(Exception):
    """A handler's "not yet" (no channel linked, no reference stored yet): the item comes back
    after `delay` rather than after the whole lease, so the first case after set-up is not held
    up for minutes."""

    def __init__(self, message: str, delay: timedelta = timedelta(seconds=15)) -> None:
        super().__init__(message)
        self.delay = delay


class OutboxWorker:
    def __init__(
        self,
        due: DueIndex,
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
    ) -> None:
        self._due = due
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._lease = lease
        self._batch = batch
        self._handlers: dict[str, Handler] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def register(self, kind: str, handler: Handler) -> None:
        self._handlers[kind] = handler

    def wake(self) -> None:
        """Look for work now instead of at the next poll (after this replica queued some)."""
        self._wake.set()

    async def run_once(self) -> int:
        """Claim and run one batch; returns how many items were handled successfully."""
        items = await self._due.claim_due(self._clock(), self._batch, self._lease)
        done = 0
        for item in items:
            handler = self._handlers.get(str(item.payload.get("kind")))
            if handler is None:
                log.error("no handler for outbox item kind %r; dropping it", item.payload.get("kind"))
                await self._due.complete(item)
                continue
            try:
                await handler(item)
            except RetryLater as later:
                # Rescheduling clears the claim, so the item is simply due again soon.
                await self._due.schedule(item.item_id, self._clock() + later.delay, item.payload)
                continue
            except Exception:
                # Left claimed: it comes back after the lease. The redacting log filter covers text.
                log.exception("outbox item %s failed; will retry after its lease", item.item_id)
                continue
            await self._due.complete(item)
            done += 1
        return done

    async def run_until_idle(self, max_rounds: int = 50) -> int:
        """Tests and `make run` start-up: keep running batches while there is due work."""
        total = 0
        for _ in range(max_rounds):
            handled = await self.run_once()
            total += handled
            if handled == 0:
                break
        return total

    async def _loop(self) -> None:
        while True:
            try:
                handled = await self.run_once()
            except StoreUnavailable as error:
                log.warning("outbox paused: store unavailable (%s)", error)
                handled = 0
            except Exception:
                log.exception("outbox round failed")
                handled = 0
            if handled:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
            self._wake.clear()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="outbox-worker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
