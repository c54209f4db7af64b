"""Teams' per-conversation limits, kept by the proactive sender (no timing assertions: counts)."""

from __future__ import annotations

import asyncio
import time
import tracemalloc

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


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_idle_conversations_are_forgotten_so_memory_stays_bounded():
    clock = _Clock()
    limiter = ConversationRateLimiter(windows=((1.0, 7), (30.0, 60)), clock=clock)
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        for n in range(100_000):
            await limiter.wait(f"19:thread-{n}@thread.tacv2")
        grown, _ = tracemalloc.get_traced_memory()
        assert len(limiter) == 100_000  # all within the last 30 s: still needed
        clock.now += 31.0  # every window has passed
        await limiter.wait("19:one-more@thread.tacv2")
        settled, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(limiter) == 1
    assert grown - baseline > 20_000_000  # 100k live entries really cost memory...
    assert settled - baseline < 100_000  # ...and it is given back once they are idle


async def test_an_entry_someone_waits_on_is_kept_and_still_throttles():
    clock = _Clock()
    limiter = ConversationRateLimiter(windows=((1.0, 2),), clock=clock)
    await limiter.wait("a")
    await limiter.wait("a")
    clock.now += 0.5
    await limiter.wait("b")  # expiry runs; "a" sent 0.5 s ago, so it is kept
    assert len(limiter) == 2
    clock.now += 2.0
    await limiter.wait("b")
    assert len(limiter) == 1  # "a" idle past the window: gone, "b" just sent
