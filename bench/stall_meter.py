"""The event loop's longest stall while something runs, for the benchmarks.

A ticker task sleeps 1 ms over and over; how late it wakes up is the stall (`worst`, wall clock:
on a shared machine it includes other processes running). The CPU the loop's thread spent
between two wake-ups (`worst_cpu`) is what our own code held the loop for, and `worst_gc` the
longest garbage collection (it runs on the loop's thread, inside whatever ran).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator
from typing import Any


class StallMeter:
    def __init__(self) -> None:
        self.worst = self.worst_cpu = self.worst_gc = 0.0
        self._task: asyncio.Task[None] | None = None
        self._gc_started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.worst_gc = max(self.worst_gc, time.perf_counter() - self._gc_started)

    async def _tick(self) -> None:
        while True:
            before, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, time.perf_counter() - before - 0.001)
            self.worst_cpu = max(self.worst_cpu, time.thread_time() - cpu)

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[StallMeter]:
        """Measure afresh while the block runs (the figures stay readable afterwards)."""
        self.worst = self.worst_cpu = self.worst_gc = 0.0
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0.005)
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
