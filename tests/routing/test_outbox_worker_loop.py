"""The app's outbox worker claims again at once only after a full batch; after a smaller one it
waits for a wake (this replica queued work) or the poll, instead of an empty claim per batch."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.ports import DueItem

GUARD = 10.0


async def test_after_a_small_batch_the_worker_waits_for_a_wake_not_another_claim(
    start_bot, settings_for, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = await start_bot(settings_for(outbox_poll_seconds=30))  # the app starts its worker
    services = bot.services
    due = services.stores.due
    claims: list[int] = []
    claim_due = due.claim_due

    async def counted(*args: Any, **kwargs: Any) -> list[DueItem]:
        found = await claim_due(*args, **kwargs)
        claims.append(len(found))
        return found

    monkeypatch.setattr(due, "claim_due", counted)  # the worker's own store object, counted
    handled: asyncio.Queue[str] = asyncio.Queue()

    async def handle(item: DueItem) -> None:
        await handled.put(item.item_id)

    services.worker.register("test-item", handle)
    for item_id in ("first", "second"):
        await due.schedule(item_id, bot.clock(), {"kind": "test-item"})
        before = len(claims)
        services.worker.wake()
        assert await asyncio.wait_for(handled.get(), GUARD) == item_id
        await asyncio.sleep(0.2)
        assert claims[before:] == [1]  # the claim that found it, and no empty one after it
