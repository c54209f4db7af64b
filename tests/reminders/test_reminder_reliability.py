"""Exactly once across replicas and crashes; 429 retried; 403 surfaced once, never retried."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta

from adapters.outbox_worker import OutboxWorker
from adapters.store_keys import DocumentKeys
from domain.case import Action, Case
from domain.ports import DueItem
from domain.reminder_schedule import plan_reminder
from tests.reminders.conftest import LEASE, Reminders, dm
from tests.support.activities import KARIN


async def _due_now(r: Reminders, case: Case) -> None:
    """Move to the case's first reminder, once routing's own outbox items are out of the way."""
    await r.drain()
    planned = plan_reminder(case, r.planner.calendar, r.planner.policy)
    assert planned is not None
    r.clock.now = max(r.clock.now, planned.due_at)


async def _drain_together(*workers: OutboxWorker) -> None:
    async def drain(worker: OutboxWorker) -> None:
        while await worker.run_once():
            pass

    await asyncio.gather(*(drain(worker) for worker in workers))


async def test_two_workers_on_one_store_run_each_of_1000_reminders_exactly_once(replica):
    first, second = await replica(), await replica()  # two replicas: own connections, one store
    handled: Counter[str] = Counter()
    by_replica: Counter[int] = Counter()

    def counter(replica_no: int):
        async def count(item: DueItem) -> None:
            await asyncio.sleep(0)  # let the other replica claim in between
            handled[item.item_id] += 1
            by_replica[replica_no] += 1

        return count

    for replica_no, r in enumerate((first, second)):
        r.worker.register("count", counter(replica_no))  # a job kind of the test's own
    due = first.clock() - timedelta(minutes=1)
    ids = [f"count:case-{n}" for n in range(1000)]
    for item_id in ids:
        await first.stores.due.schedule(item_id, due, {"kind": "count"})

    started = time.monotonic()
    await _drain_together(first.worker, second.worker)
    assert time.monotonic() - started < 20
    assert sorted(handled) == sorted(ids)
    assert set(handled.values()) == {1}
    assert by_replica[0] > 0 and by_replica[1] > 0  # both really took part
    first.clock.advance(hours=1)  # past every lease: nothing comes back, everything was completed
    await _drain_together(first.worker, second.worker)
    assert set(handled.values()) == {1}


async def test_two_replicas_send_each_case_reminder_once(replica):
    first, second = await replica(), await replica()
    cases = [await first.post_thread(await first.file()) for _ in range(30)]
    await _due_now(first, cases[0])
    await _drain_together(first.worker, second.worker)
    per_thread = Counter(a["_conversation"] for a in first.reminders_sent())
    assert per_thread == Counter({case.thread_conversation_id: 1 for case in cases})


async def test_a_claimed_reminder_nobody_completes_is_delivered_after_the_lease(replica):
    survivor = await replica()
    case = await survivor.post_thread(await survivor.file())
    await _due_now(survivor, case)
    claimed = await survivor.stores.due.claim_due(survivor.clock(), 10, LEASE)  # ...then kill -9
    assert [item.payload["kind"] for item in claimed].count("reminder") == 1

    await survivor.drain()
    assert survivor.texts(case.thread_conversation_id) == []  # hidden while the lease runs
    survivor.clock.advance(seconds=LEASE.total_seconds() + 1)
    await survivor.drain()
    assert len(survivor.texts(case.thread_conversation_id)) == 1
    late = next(item for item in claimed if item.payload["kind"] == "reminder")
    assert await survivor.stores.due.complete(late) is False  # the dead replica's token is void


async def test_a_replica_dying_after_sending_does_not_post_twice(replica):
    doomed, survivor = await replica(), await replica()
    case = await doomed.post_thread(await doomed.file())
    case = await doomed.act(case.id, Action.TAKE)
    await _due_now(doomed, case)
    claimed = await doomed.stores.due.claim_due(doomed.clock(), 10, LEASE)
    for item in claimed:  # it ran the jobs it claimed (a stale reminder drops itself)...
        await doomed.worker.handler(item.payload["kind"])(item)
    assert len(doomed.reminders_sent()) == 2  # ...the 1:1 and the thread went out, then it died

    survivor.clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await survivor.drain() >= 1  # it ran the item again and completed it
    assert len(survivor.texts(dm(KARIN))) == 1
    assert len(survivor.texts(case.thread_conversation_id)) == 1


async def test_429_is_retried_by_the_outbox_after_a_backoff_and_sent_once(replica):
    r = await replica()
    case = await r.post_thread(await r.file())
    await _due_now(r, case)
    r.connector.fail_next = [429, 429]
    for _ in range(2):  # one connector call per attempt: no retry layer below the outbox
        assert await r.drain() == 0
        assert r.texts(case.thread_conversation_id) == []
        r.clock.advance(minutes=10)  # past any backoff (base 5 s, doubled, jittered)
    assert await r.drain() == 1
    assert r.connector.fail_next == []
    assert len(r.texts(case.thread_conversation_id)) == 1


async def test_a_send_that_keeps_failing_is_dead_lettered_once_with_a_note(replica, caplog):
    r = await replica()
    case = await r.post_thread(await r.file())
    await _due_now(r, case)
    attempts = r.settings.outbox_retry_attempts
    r.connector.fail_next = [502] * attempts
    for _ in range(attempts + 3):
        await r.drain()
        r.clock.advance(minutes=11)
    assert r.connector.fail_next == []  # `attempts` calls for the reminder, no more...
    assert r.texts(case.thread_conversation_id) == []
    (note,) = r.notes()  # ...then one note (it went through: the 502s were used up)
    assert "Leveransproblem" in note and case.number in note and f"{attempts} försök" in note
    assert [rec.levelname for rec in caplog.records if "dead-lettered" in rec.getMessage()] == ["ERROR"]


async def test_403_is_recorded_and_surfaced_once_and_not_retried(replica):
    r = await replica()
    case = await r.post_thread(await r.file())
    case = await r.act(case.id, Action.TAKE)
    calendar, policy = r.planner.calendar, r.planner.policy
    r.connector.refuse = {dm(KARIN): 403}  # Karin removed the bot
    for sequence in (0, 1):  # both reminders of the period are for her 1:1 chat too
        planned = plan_reminder(case, calendar, policy, after_sequence=sequence)
        assert planned is not None
        r.clock.now = planned.due_at
        await r.drain()
        r.clock.advance(seconds=LEASE.total_seconds() + 1)
        await r.drain()  # nothing is left claimed to come back

    assert r.texts(dm(KARIN)) == []
    assert r.connector.calls[dm(KARIN)] == 1  # known unreachable: the second reminder skips her
    assert len(r.texts(case.thread_conversation_id)) == 2  # the thread still got both
    (note,) = r.notes()
    assert "Leveransproblem" in note and KARIN.name in note and "403" in note
    assert case.patient_id not in note
    found = await r.stores.documents.read([DocumentKeys.delivery_problems()])
    (record,) = found[DocumentKeys.delivery_problems()]["items"]
    assert record["key"] == f"user:{KARIN.aad_id}" and record["status"] == 403
