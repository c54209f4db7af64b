"""Teams' per-conversation limits, kept by the proactive sender (no timing assertions: counts)."""

from __future__ import annotations

import asyncio
import time

from adapters.rate_limiter import ConversationRateLimiter


async def test_the_eighth_message_in_a_second_waits_but_other_conversations_do_not():
    limiter = ConversationRateLimiter(windows=((0.3, 7),))
    for _ in range(7):
        await limiter.wait("busy")
    started = time.monotonic()
    blocked = asyncio.create_task(limiter.wait("busy"))
    await limiter.wait("quiet")  # not held up by the busy conversation's wait
    quiet_done = time.monotonic() - started
    await blocked
    busy_done = time.monotonic() - started
    assert quiet_done < busy_done
    assert not blocked.cancelled()
