"""The outbox worker on the embedded store: completes what succeeds, brings back what waits."""

from __future__ import annotations

from datetime import timedelta

from adapters.outbox_worker import OutboxWorker, RetryLater
from adapters.sqlite_store import SqliteStores


async def test_done_items_complete_failed_ones_return_after_the_lease_and_not_ready_ones_sooner(
    tmp_path, clock
):
    stores = await SqliteStores.open(tmp_path)
    try:
        worker = OutboxWorker(stores.due, clock, lease=timedelta(minutes=2))
        calls: list[str] = []

        async def handle(item):
            calls.append(item.item_id)
            if item.item_id == "boom":
                raise RuntimeError("transient")
            if item.item_id == "wait" and len(calls) < 4:
                raise RetryLater("no channel yet", delay=timedelta(seconds=15))

        worker.register("job", handle)
        for item_id in ("ok", "boom", "wait"):
            await stores.due.schedule(item_id, clock(), {"kind": "job"})
        assert await worker.run_once() == 1  # only "ok" completed
        clock.advance(seconds=20)
        assert await worker.run_once() == 1  # "wait" is back after 15 s; "boom" still leased
        clock.advance(minutes=2)
        calls.clear()
        await worker.run_once()
        assert calls == ["boom"]  # the failed item came back once its lease ran out
    finally:
        await stores.close()
