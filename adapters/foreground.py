"""Turns people wait on come first; the outbox fills the gaps between them.

The outbox (thread lines, card updates, notices) shares the event loop with the turns. A
click's answer is what an admin waits for; the thread line it causes can come some
milliseconds later. So the outbox worker waits before it claims a batch while turns are in
flight — for at most `max_wait`, so under steady load it still moves on. Waiting also lets the
items of quick clicks on one case gather into one batch, where the first announces every new
step and updates the card once (jobs/routing.py), instead of once per click.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class Foreground:
    def __init__(self, max_wait: float = 0.05) -> None:
        self._in_flight = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self.max_wait = max_wait

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        self._in_flight += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._quiet.set()

    async def wait_quiet(self) -> None:
        """Return when no turn is in flight, or after `max_wait` seconds."""
        if not self._in_flight:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.max_wait):
                await self._quiet.wait()
