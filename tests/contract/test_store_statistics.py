"""Statistics counters on every store: added in the case write, only for counted cases, and the
backfill of cases written before the statistics existed counts each of them once."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

import pytest

from domain.business_time import BusinessCalendar
from domain.case import Action, Case
from domain.ports import FollowUps, StatCount, Stores, VersionConflict
from domain.statistics import bucket_of, case_counts, event_counts, filing_counts
from domain.stats_report import StatisticsService
from tests.contract.conftest import OpenStores
from tests.contract.test_store_contract import ANNA, BO, SUNDSVALL, T0, new_case

CALENDAR = BusinessCalendar()
TAKE_2H = f"h|take|{bucket_of(2.0)}"  # taken two office hours after filing (T0 is 09:00 in Stockholm)


def _stats(*counts: StatCount) -> FollowUps:
    return FollowUps(stats=counts)


async def _as_before_statistics(stores: Stores, case_id: str) -> None:
    """Make a stored case look as if it was written before the statistics existed."""
    if stores.backend == "sqlite":
        with sqlite3.connect(stores.path) as conn:  # type: ignore[attr-defined]
            conn.execute("UPDATE cases SET stats_counted = 0 WHERE id = ?", (case_id,))
    else:
        await stores._client.srem(stores.keys.cases_counted(), case_id)  # type: ignore[attr-defined]


async def _taken(stores: Stores, case: Case, at_hours: float = 2) -> tuple[Case, tuple[StatCount, ...]]:
    case.apply(Action.TAKE, ANNA, T0 + timedelta(hours=at_hours))
    counts = event_counts(case, len(case.events) - 1, CALENDAR)
    return case, counts


async def test_a_created_case_counts_its_filing_and_its_updates_their_events(stores: Stores) -> None:
    new = new_case("c1")
    case = await stores.cases.create(new, _stats(*filing_counts(new)))
    taken, counts = await _taken(stores, case)
    await stores.cases.update(taken, _stats(*counts))
    months = await stores.stats.months(["2026-03", "2026-04"])
    assert months == {"2026-03": {"filed|A|Region Västernorrland": 1, "day|filed|02": 1, TAKE_2H: 1}}
    assert await stores.stats.pending() == 0


async def test_counters_add_up_across_cases_and_months(stores: Stores) -> None:
    for n, month in enumerate((3, 3, 4)):
        new = new_case(f"c{n}", at=T0.replace(month=month), org=SUNDSVALL)
        await stores.cases.create(new, _stats(*filing_counts(new), StatCount("2026-05", "x", 5)))
    months = await stores.stats.months(["2026-03", "2026-04", "2026-05", "2026-06"])
    assert months["2026-03"]["filed|A|Sundsvall"] == 2
    assert months["2026-04"]["filed|A|Sundsvall"] == 1
    assert months["2026-05"] == {"x": 15}
    assert "2026-06" not in months


async def test_a_stale_update_adds_nothing(stores: Stores) -> None:
    case = await stores.cases.create(new_case("c1"))
    await stores.cases.update(case, _stats(StatCount("2026-03", "x")))
    with pytest.raises(VersionConflict):
        await stores.cases.update(case, _stats(StatCount("2026-03", "x")))
    assert await stores.stats.months(["2026-03"]) == {"2026-03": {"x": 1}}


async def test_an_uncounted_case_is_counted_once_by_the_backfill(stores: Stores) -> None:
    new = new_case("old")
    case = await stores.cases.create(new)
    await _as_before_statistics(stores, "old")
    taken, counts = await _taken(stores, case)
    case = await stores.cases.update(taken, _stats(*counts))  # not counted: no counters yet
    assert await stores.stats.months(["2026-03"]) == {}
    assert await stores.stats.pending() == 1
    cursor, found = await stores.stats.uncounted("", 10)
    assert [c.id for c in found] == ["old"] and cursor == ""

    stale = case.model_copy(update={"version": case.version - 1})
    assert not await stores.stats.count(stale, case_counts(stale, CALENDAR))  # changed since
    assert await stores.stats.count(case, case_counts(case, CALENDAR))
    assert not await stores.stats.count(case, case_counts(case, CALENDAR))  # once only
    assert await stores.stats.pending() == 0
    assert (await stores.stats.uncounted("", 10))[1] == []
    counters = (await stores.stats.months(["2026-03"]))["2026-03"]
    assert counters == {"filed|A|Region Västernorrland": 1, "day|filed|02": 1, TAKE_2H: 1}

    again, counts = await _taken(stores, case.model_copy(update={"assignee": None}), 3)
    await stores.cases.update(again, _stats(*counts))  # counted now: its next event counts
    assert sum((await stores.stats.months(["2026-03"]))["2026-03"].values()) == 3


async def test_replicas_backfilling_at_once_count_every_case_once(open_stores: OpenStores) -> None:
    first, second = await open_stores(), await open_stores()
    for n in range(60):
        new = new_case(f"c{n:03d}", submitter=BO)
        await first.cases.create(new)
        await _as_before_statistics(first, new.id)
    await first.cases.create(new_case("counted"), _stats(*filing_counts(new_case("counted"))))
    services = [StatisticsService(s.stats, CALENDAR, lambda: T0) for s in (first, second)]
    done = await asyncio.gather(*(service.backfill(batch=7) for service in services))
    assert sum(done) == 60
    assert await services[0].backfill() == 0  # nothing left: a later start does nothing
    counters = (await first.stats.months(["2026-03"]))["2026-03"]
    assert counters["filed|A|Region Västernorrland"] == 61
    assert await first.stats.pending() == 0
