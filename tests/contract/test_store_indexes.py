"""The idle index and batched reads, on every store: what queues and overviews are built on."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.sqlite_store import FILE_NAME, SqliteStores
from domain.case import Action, Person
from domain.ports import FILING_WINDOW, IdleEntry, RecentFilings, Stores, VersionConflict
from domain.reminders import ReminderKind
from tests.contract.test_store_contract import ANNA, BO, T0, new_case

U = ReminderKind.UNASSIGNED
S = ReminderKind.STEP_IDLE


async def _idle_ids(stores: Stores, kind: ReminderKind, **kwargs: object) -> list[str]:
    page = await stores.cases.idle(kind, **kwargs)  # type: ignore[arg-type]
    return [entry.case_id for entry in page.entries]


async def test_open_cases_are_indexed_by_reminder_kind_oldest_idle_first(stores: Stores) -> None:
    for n in (3, 1, 2):
        await stores.cases.create(new_case(f"c{n}", at=T0 + timedelta(hours=n)))
    page = await stores.cases.idle(U)
    assert page.total == 3
    assert page.entries == [IdleEntry(f"c{n}", T0 + timedelta(hours=n)) for n in (1, 2, 3)]
    assert (await stores.cases.idle(S)).total == 0


async def test_the_idle_range_is_counted_and_paged(stores: Stores) -> None:
    for n in range(1, 8):
        await stores.cases.create(new_case(f"c{n}", at=T0 + timedelta(hours=n)))
    page = await stores.cases.idle(U, until=T0 + timedelta(hours=5), offset=1, limit=2)
    assert page.total == 5  # c1..c5: the bound is inclusive
    assert [e.case_id for e in page.entries] == ["c2", "c3"]
    assert await _idle_ids(stores, U, until=T0 + timedelta(hours=5), offset=4, limit=5) == ["c5"]
    assert (await stores.cases.idle(U, until=T0, limit=0)).total == 0
    assert (await stores.cases.idle(U, limit=0)).entries == []


async def test_actions_move_a_case_between_idle_indexes_and_final_ones_leave(stores: Stores) -> None:
    case = await stores.cases.create(new_case("c1"))
    other = await stores.cases.create(new_case("c2"))
    case.apply(Action.TAKE, ANNA, T0 + timedelta(hours=1))
    case = await stores.cases.update(case)
    assert await _idle_ids(stores, U) == ["c2"]
    assert (await stores.cases.idle(S)).entries == [IdleEntry("c1", T0 + timedelta(hours=1))]
    case.apply(Action.RECORD_CALL, ANNA, T0 + timedelta(hours=2))
    case = await stores.cases.update(case)
    assert (await stores.cases.idle(S)).entries == [IdleEntry("c1", T0 + timedelta(hours=2))]
    other.apply(Action.WITHDRAW, BO, T0 + timedelta(hours=3))
    await stores.cases.update(other)
    assert (await stores.cases.idle(U)).total == 0
    assert await _idle_ids(stores, S) == ["c1"]


async def test_idle_totals_follow_every_write_and_match_the_entries(stores: Stores) -> None:
    cases = [await stores.cases.create(new_case(f"c{n}", at=T0 + timedelta(hours=n))) for n in range(6)]
    for n, case in enumerate(cases[:4]):
        case.apply(Action.TAKE, ANNA, T0 + timedelta(hours=10 + n))
        cases[n] = await stores.cases.update(case)
    cases[0].apply(Action.WITHDRAW, BO, T0 + timedelta(hours=20))
    await stores.cases.update(cases[0])
    cases[5].apply(Action.WITHDRAW, BO, T0 + timedelta(hours=21))
    await stores.cases.update(cases[5])
    for kind in (U, S):
        for until in (None, T0 + timedelta(hours=4), T0 + timedelta(hours=11), T0 + timedelta(days=9)):
            page = await stores.cases.idle(kind, until=until, limit=100)
            assert page.total == len(page.entries), (kind, until)
    assert (await stores.cases.idle(U)).total == 1  # c4
    assert (await stores.cases.idle(S)).total == 3  # c1..c3
    assert (await stores.cases.idle(S, until=T0 + timedelta(hours=11))).total == 1


async def test_a_stale_update_leaves_the_idle_index_as_it_was(stores: Stores) -> None:
    created = await stores.cases.create(new_case("c1"))
    mine, theirs = created.model_copy(deep=True), created.model_copy(deep=True)
    theirs.apply(Action.TAKE, BO, T0 + timedelta(hours=1))
    await stores.cases.update(theirs)
    mine.apply(Action.WITHDRAW, BO, T0 + timedelta(hours=2))
    with pytest.raises(VersionConflict):
        await stores.cases.update(mine)
    assert await _idle_ids(stores, S) == ["c1"]
    assert await _idle_ids(stores, U) == []


async def test_get_many_returns_found_cases_in_the_asked_order(stores: Stores) -> None:
    for n in (1, 2, 3):
        await stores.cases.create(new_case(f"c{n}"))
    found = await stores.cases.get_many(["c3", "ghost", "c1", "c3"])
    assert [case.id for case in found] == ["c3", "c1"]
    assert await stores.cases.get_many([]) == []


async def test_an_older_sqlite_file_gets_the_idle_index_on_open(tmp_path: Path) -> None:
    stores = await SqliteStores.open(tmp_path)
    await stores.cases.create(new_case("old", at=T0))
    closed = await stores.cases.create(new_case("done", at=T0))
    closed.apply(Action.WITHDRAW, BO, T0)
    await stores.cases.update(closed)
    await stores.close()
    with sqlite3.connect(tmp_path / FILE_NAME) as conn:  # as the file was before the index
        for trigger in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER idle_counts_{trigger}")
        conn.execute("DROP TABLE idle_counts")
        conn.execute("DROP INDEX cases_idle")
        conn.execute("ALTER TABLE cases DROP COLUMN idle_kind")
        conn.execute("ALTER TABLE cases DROP COLUMN idle_since")
    stores = await SqliteStores.open(tmp_path)
    try:
        assert (await stores.cases.idle(U)).entries == [IdleEntry("old", T0)]
        assert (await stores.cases.idle(U)).total == 1  # the per-kind counts start from the cases
        await stores.cases.create(new_case("new", at=T0 + timedelta(hours=1)))
        assert (await stores.cases.idle(U, until=T0)).total == 1
        assert (await stores.cases.idle(U)).total == 2
    finally:
        await stores.close()


async def test_filed_by_counts_a_persons_filings_after_since_and_finds_her_case(stores: Stores) -> None:
    anna = Person(id="29:anna-submitter", name="Anna S")
    for n in range(4):  # BO: 08:00, 08:20, 08:40, 09:00
        await stores.cases.create(new_case(f"b{n}", at=T0 + timedelta(minutes=20 * n)))
    await stores.cases.create(new_case("a0", at=T0 + timedelta(minutes=50), submitter=anna))

    recent = await stores.cases.filed_by(BO.id, T0 + timedelta(minutes=20), "b3")
    assert recent.count == 2  # b2, b3: strictly after `since`
    assert recent.case is not None and recent.case.id == "b3" and recent.case.number
    assert (await stores.cases.filed_by(BO.id, T0 - timedelta(minutes=1), "nope")) == RecentFilings(4, None)
    # Anna's case is not Bo's repeat, and her count is her own
    assert (await stores.cases.filed_by(BO.id, T0, "a0")).case is None
    assert (await stores.cases.filed_by(anna.id, T0, "b0")) == RecentFilings(1, None)
    assert (await stores.cases.filed_by("29:nobody", T0, "b0")) == RecentFilings(0, None)


async def test_filed_by_still_finds_an_old_case_after_the_filing_window(stores: Stores) -> None:
    await stores.cases.create(new_case("old", at=T0))
    await stores.cases.create(new_case("new", at=T0 + FILING_WINDOW + timedelta(minutes=5)))
    now = T0 + FILING_WINDOW + timedelta(minutes=10)
    recent = await stores.cases.filed_by(BO.id, now - FILING_WINDOW, "old")
    assert recent.count == 1  # only "new" is within the hour
    assert recent.case is not None and recent.case.id == "old"  # a repeat is found however old
