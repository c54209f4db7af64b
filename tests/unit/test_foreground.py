"""The outbox gives way to turns people wait on: it waits while one is in flight, never longer
than `max_wait`, and not at all when the bot is idle."""

from __future__ import annotations

import asyncio

from adapters.foreground import Foreground


async def test_an_idle_bot_lets_background_work_through_at_once():
    foreground = Foreground(max_wait=3600)
    await asyncio.wait_for(foreground.wait_quiet(), timeout=5)  # would hang for an hour otherwise


async def test_background_work_waits_for_the_turn_in_flight_to_end():
    foreground = Foreground(max_wait=3600)
    with foreground.turn():
        waiting = asyncio.create_task(foreground.wait_quiet())
        for _ in range(10):
            await asyncio.sleep(0)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=5)


async def test_under_steady_load_background_work_goes_on_after_max_wait():
    foreground = Foreground(max_wait=0.01)
    with foreground.turn():  # a turn that never ends while we wait
        await asyncio.wait_for(foreground.wait_quiet(), timeout=5)


async def test_overlapping_turns_count_as_busy_until_the_last_one_ends():
    foreground = Foreground(max_wait=3600)
    first, second = foreground.turn(), foreground.turn()
    first.__enter__()
    second.__enter__()
    waiting = asyncio.create_task(foreground.wait_quiet())
    first.__exit__(None, None, None)
    for _ in range(10):
        await asyncio.sleep(0)
    assert not waiting.done()
    second.__exit__(None, None, None)
    await asyncio.wait_for(waiting, timeout=5)
