"""Races between replicas (two store instances on one Redis prefix or one SQLite file) and, for
SQLite, between two OS processes: the compare-and-set paths must let exactly one side win."""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import UTC, datetime, timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from adapters.sqlite_store import SqliteStores
from domain.case import Action, Person
from domain.ports import Stores, VersionConflict
from tests.contract.conftest import OpenStores
from tests.contract.test_store_contract import new_case

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
ITEMS = 300


async def test_two_writers_with_one_version_one_wins(open_stores: OpenStores) -> None:
    a, b = await open_stores(), await open_stores()
    await a.cases.create(new_case("c1"))
    for round_ in range(20):
        mine, theirs = await a.cases.get("c1"), await b.cases.get("c1")
        assert mine is not None and theirs is not None
        mine.apply(Action.TAKE, Person(id=f"29:a{round_}", name="A"), T0)
        theirs.apply(Action.TAKE, Person(id=f"29:b{round_}", name="B"), T0)
        results = await asyncio.gather(a.cases.update(mine), b.cases.update(theirs), return_exceptions=True)
        winners = [r for r in results if not isinstance(r, BaseException)]
        assert len(winners) == 1, results
        assert sum(isinstance(r, VersionConflict) for r in results) == 1, results
        assert await a.cases.get("c1") == winners[0]
        assert winners[0].version == round_ + 1


async def test_concurrent_creates_get_distinct_numbers_without_gaps(open_stores: OpenStores) -> None:
    replicas = (await open_stores(), await open_stores())
    created = await asyncio.gather(*(replicas[i % 2].cases.create(new_case(f"c{i}")) for i in range(20)))
    assert sorted(c.number for c in created) == [f"SID-2026-{n:04d}" for n in range(1, 21)]


async def _claim_until_empty(stores: Stores, now: datetime, limit: int, pause: float = 0) -> list[str]:
    claimed: list[str] = []
    while items := await stores.due.claim_due(now, limit, LEASE):
        for item in items:
            claimed.append(item.item_id)
            assert await stores.due.complete(item)
        await asyncio.sleep(pause)
    return claimed


async def test_two_claimers_never_claim_an_item_twice(open_stores: OpenStores) -> None:
    a, b = await open_stores(), await open_stores()
    for i in range(ITEMS):
        await a.due.schedule(f"r{i:03d}", T0 + timedelta(seconds=i % 7), {"i": i})
    claimed_a, claimed_b = await asyncio.gather(
        _claim_until_empty(a, T0 + LEASE, 4), _claim_until_empty(b, T0 + LEASE, 4)
    )
    everything = claimed_a + claimed_b
    assert len(everything) == len(set(everything)) == ITEMS


async def test_expired_leases_are_reclaimed_exactly_once(open_stores: OpenStores) -> None:
    a, b = await open_stores(), await open_stores()
    for i in range(60):
        await a.due.schedule(f"r{i:02d}", T0, {})
    assert len(await a.due.claim_due(T0, 100, LEASE)) == 60  # then that worker dies
    later = T0 + LEASE
    again = await asyncio.gather(*(s.due.claim_due(later, 3, LEASE) for _ in range(20) for s in (a, b)))
    ids = [item.item_id for batch in again for item in batch]
    assert len(ids) == len(set(ids)) == 60


async def test_one_activity_offered_twice_at_once_is_seen_once(open_stores: OpenStores) -> None:
    a, b = await open_stores(), await open_stores()
    for i in range(30):
        offers = await asyncio.gather(
            a.seen.first_seen(f"act-{i}", timedelta(minutes=5)),
            b.seen.first_seen(f"act-{i}", timedelta(minutes=5)),
        )
        assert sorted(offers) == [False, True]


# --- SQLite: two OS processes on one file ------------------------------------------------------


async def _claim_in_process(data_dir: Path, start: Barrier) -> list[str]:
    stores = await SqliteStores.open(data_dir)
    try:
        start.wait(60)  # both processes (and the test) ready: the claiming starts together
        # A short pause between batches, as a real worker has between polls: on a busy machine
        # one process could otherwise drain the file before the other is scheduled at all.
        return await _claim_until_empty(stores, T0 + LEASE, 3, pause=0.005)
    finally:
        await stores.close()


def claimer_process(data_dir: str, start: Barrier, results: Queue[list[str]]) -> None:
    results.put(asyncio.run(_claim_in_process(Path(data_dir), start)))


async def test_two_processes_on_one_sqlite_file_never_claim_an_item_twice(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    stores = await SqliteStores.open(data_dir)
    try:
        for i in range(ITEMS):
            await stores.due.schedule(f"r{i:03d}", T0, {"i": i})
    finally:
        await stores.close()

    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(3), spawn.Queue()
    workers = [spawn.Process(target=claimer_process, args=(str(data_dir), start, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        await asyncio.to_thread(start.wait, 60)
        claimed = await asyncio.to_thread(lambda: [results.get(timeout=60) for _ in workers])
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
                worker.join()
            worker.close()
        results.close()
        results.join_thread()
    everything = claimed[0] + claimed[1]
    assert len(everything) == len(set(everything)) == ITEMS
    if not (claimed[0] and claimed[1]):
        pytest.fail(
            f"one process claimed everything ({len(claimed[0])}/{len(claimed[1])}): no race was tested"
        )
