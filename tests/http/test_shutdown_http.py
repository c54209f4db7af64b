"""Shutdown is bounded and never loses a cancellation: SIGTERM and every test's teardown stop the
outbox worker and close the store in seconds, whatever the worker was doing.

A fresh-clone run once hung in a test's teardown: on Python 3.11 `asyncio.wait_for` returns the
result, instead of raising, when it is cancelled in the same loop round as its call finishes
(CPython gh-86296), so a worker woken just as it was stopped went on polling and its stop waited
for it forever.
"""

from __future__ import annotations

import asyncio
import time

from botbuilder.schema import Activity

from domain.ports import user_reference_key
from tests.conftest import RunningBot
from tests.support.activities import ANNA

BOUND = 3.0  # seconds: the worker's stop gives up (and leaves a job behind) only after 10


async def test_a_worker_woken_as_it_is_stopped_stops_at_once(start_bot, settings_for, caplog) -> None:
    bot = await start_bot(settings_for(outbox_poll_seconds=30))
    worker = bot.services.worker
    while not worker._wake._waiters:  # until it is idle, waiting for a wake-up or the next poll
        await asyncio.sleep(0.01)
    loop = worker._task
    worker.wake()  # a turn queued work ...
    await asyncio.sleep(0)  # ... and the wait for it ends in the same loop round as the cancel
    started = time.monotonic()
    await worker.stop()
    assert time.monotonic() - started < BOUND
    assert loop is not None and loop.done()
    assert "did not stop" not in caplog.text


async def test_a_job_that_swallows_the_cancellation_is_cancelled_again(start_bot, settings_for) -> None:
    bot = await start_bot(settings_for(outbox_poll_seconds=30))
    worker, running, lost = bot.services.worker, asyncio.Event(), []

    async def stubborn(item: object) -> None:
        running.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:  # as a library's wait_for does (see above)
            lost.append("cancel")
        await asyncio.sleep(60)

    worker.register("stubborn", stubborn)
    await bot.services.stores.due.schedule("stubborn-1", bot.clock(), {"kind": "stubborn"})
    worker.wake()
    await asyncio.wait_for(running.wait(), 10)
    loop = worker._task
    started = time.monotonic()
    await worker.stop()
    assert time.monotonic() - started < BOUND
    assert lost == ["cancel"]
    assert loop is not None and loop.cancelled()


async def test_the_app_shuts_down_promptly_while_a_send_waits_for_the_connector(
    start_bot, settings_for, connector
) -> None:
    bot = await start_bot(settings_for(outbox_poll_seconds=0.2))
    await bot.chat(ANNA).say("hjälp")  # Anna's 1:1 reference is stored
    sending = asyncio.Event()

    async def notify(item: object) -> None:
        sending.set()
        key = user_reference_key(ANNA.id, ANNA.aad_id)
        await bot.services.sender.send(key, Activity(type="message", text="Hej"), idempotency_key="n-1")

    bot.services.worker.register("notify", notify)
    connector.hold()  # the connector takes the call and does not answer
    await bot.services.stores.due.schedule("notify-1", bot.clock(), {"kind": "notify"})
    bot.services.worker.wake()
    await asyncio.wait_for(sending.wait(), 10)
    while connector.held == 0:
        await asyncio.sleep(0.02)
    started = time.monotonic()
    await bot.http.close()
    await bot.server.close()  # on_shutdown, then on_cleanup: worker stop, store close
    assert time.monotonic() - started < BOUND
    connector.release()


async def test_a_cancelled_send_stays_cancelled_when_the_store_is_gone(
    start_bot, settings_for, connector, redis_servers, caplog
) -> None:
    redis = redis_servers()
    redis.start()
    bot = await start_bot(settings_for(redis_url=redis.url, outbox_poll_seconds=0))
    await bot.chat(ANNA).say("hjälp")
    connector.hold()
    key = user_reference_key(ANNA.id, ANNA.aad_id)
    send = asyncio.create_task(
        bot.services.sender.send(key, Activity(type="message", text="Hej"), idempotency_key="n-2")
    )
    while connector.held == 0:
        await asyncio.sleep(0.02)
    redis.stop(kill=True)  # the claim cannot be released now
    send.cancel()  # shutdown
    await asyncio.wait({send}, timeout=BOUND)
    assert send.cancelled()  # not turned into StoreUnavailable, which the worker would carry on after
    assert "its claim stays until it expires" in caplog.text
    connector.release()


async def _stopped_after_a_send(bot: RunningBot) -> list[object]:
    """Run an item that sends "Hej" and then waits (its own work after the send, the first
    time) until the worker is stopped; the item's runs."""
    await bot.chat(ANNA).say("hjälp")
    sent, runs = asyncio.Event(), []

    async def notify(item: object) -> None:
        runs.append(item)
        key = user_reference_key(ANNA.id, ANNA.aad_id)
        await bot.services.sender.send(key, Activity(type="message", text="Hej"), idempotency_key="n-3")
        sent.set()
        if len(runs) == 1:
            await asyncio.Event().wait()

    worker = bot.services.worker
    worker.register("notify", notify)
    await bot.services.stores.due.schedule("notify-3", bot.clock(), {"kind": "notify"})
    worker.wake()
    await asyncio.wait_for(sent.wait(), 10)
    return runs


async def test_an_item_stopped_after_a_send_records_it_and_is_due_again_at_once(
    start_bot, settings_for, connector
) -> None:
    """Shutdown cancels the worker between an item's send and its settlement: the send is
    recorded, the item is due again now (not after the lease), and run again it sends nothing."""
    bot = await start_bot(settings_for(outbox_poll_seconds=0.2))
    runs = await _stopped_after_a_send(bot)
    worker, stores = bot.services.worker, bot.services.stores
    await worker.stop()
    [hej] = [activity["id"] for activity in connector.sent if activity.get("text") == "Hej"]
    assert await stores.markers.lookup("n-3") == ("done", hej)  # the id Teams gave it
    assert await worker.run_once() == 1  # due now: no lease to wait out
    assert len(runs) == 2 and connector.texts().count("Hej") == 1


async def test_an_item_stopped_while_the_store_is_gone_leaves_one_line_and_its_lease(
    start_bot, settings_for, connector, redis_servers, caplog
) -> None:
    redis = redis_servers()
    redis.start()
    bot = await start_bot(settings_for(redis_url=redis.url, outbox_poll_seconds=0.2))
    await _stopped_after_a_send(bot)
    redis.stop(kill=True)
    started = time.monotonic()
    await bot.services.worker.stop()
    assert time.monotonic() - started < BOUND
    stopped = [r for r in caplog.records if "stopped mid-way" in r.getMessage()]
    assert [r.levelname for r in stopped] == ["WARNING"] and "notify-3" in stopped[0].getMessage()
    assert "lease brings it back" in stopped[0].getMessage()
    assert "outbox worker ended" not in caplog.text  # the cancellation still ended the loop
