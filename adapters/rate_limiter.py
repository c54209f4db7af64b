"""Teams' per-conversation rate limits for the bot's own sends, kept per process.

Each replica keeps its own share of the windows. A conversation's entry (its recent send times
and a lock) lives only while it matters: once nobody is waiting on it and its last send is older
than the longest window, it holds no information and is dropped. Entries are kept in order of
last use, so dropping them costs O(1) per send instead of a scan, and memory follows the number
of conversations sent to in the last window, not every conversation ever reminded.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque
from collections.abc import Callable

# Teams: 7 messages / 1 s and 60 / 30 s per bot per conversation.
WINDOWS = ((1.0, 7), (30.0, 60))


class _Conversation:
    __slots__ = ("lock", "sent", "users")

    def __init__(self) -> None:
        self.sent: deque[float] = deque()
        self.lock = asyncio.Lock()
        self.users = 0  # tasks inside wait() for this conversation, holding or queued on the lock


class ConversationRateLimiter:
    """Sliding windows per conversation. A lock per conversation: a throttled conversation waits
    without holding up the others."""

    def __init__(
        self,
        windows: tuple[tuple[float, int], ...] = WINDOWS,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._windows = windows
        self._longest = max(span for span, _ in windows)
        self._clock = clock
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()
        self._high_water = 0  # a dict never shrinks its table by itself: rebuilt when mostly empty

    def __len__(self) -> int:
        """Conversations currently tracked (for tests and metrics)."""
        return len(self._conversations)

    async def wait(self, conversation_id: str) -> None:
        """Return when one more message to `conversation_id` stays within every window."""
        entry = self._conversations.get(conversation_id)
        if entry is None:
            entry = self._conversations[conversation_id] = _Conversation()
            self._high_water = max(self._high_water, len(self._conversations))
        else:
            self._conversations.move_to_end(conversation_id)
        entry.users += 1
        try:
            async with entry.lock:
                await self._take_slot(entry.sent)
        finally:
            entry.users -= 1
            self._expire()

    async def _take_slot(self, sent: deque[float]) -> None:
        while True:
            now = self._clock()
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

    def _expire(self) -> None:
        """Drop idle entries from the least recently used end; stop at the first one in use."""
        now = self._clock()
        while self._conversations:
            conversation_id, entry = next(iter(self._conversations.items()))
            if entry.users or (entry.sent and now - entry.sent[-1] <= self._longest):
                break
            del self._conversations[conversation_id]
        if self._high_water > 1024 and len(self._conversations) < self._high_water // 4:
            self._conversations = OrderedDict(self._conversations)
            self._high_water = len(self._conversations)
