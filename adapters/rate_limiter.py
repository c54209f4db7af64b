"""Teams' per-conversation rate limits for the bot's own sends, kept per process."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque

# Teams: 7 messages / 1 s and 60 / 30 s per bot per conversation.
WINDOWS = ((1.0, 7), (30.0, 60))


class ConversationRateLimiter:
    """Sliding windows per conversation, per process (each replica keeps its own share). A lock
    per conversation: a throttled conversation waits without holding up the others."""

    def __init__(self, windows: tuple[tuple[float, int], ...] = WINDOWS) -> None:
        self._windows = windows
        self._longest = max(span for span, _ in windows)
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def wait(self, conversation_id: str) -> None:
        async with self._locks[conversation_id]:
            sent = self._sent[conversation_id]
            while True:
                now = time.monotonic()
                while sent and now - sent[0] > self._longest:
                    sent.popleft()
                delay = max(
                    (sent[-limit] + span - now for span, limit in self._windows if len(sent) >= limit),
                    default=0.0,
                )
                if delay <= 0:
                    sent.append(now)
                    return
                await asyncio.sleep(delay)
