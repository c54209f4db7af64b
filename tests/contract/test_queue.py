"""The queue read from the idle index agrees with the plain definition over every open case."""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import pairwise

from domain.business_time import BusinessCalendar
from domain.case import Action
from domain.ports import CaseFilter, Stores
from domain.queue import START, CaseQueue
from domain.reminders import ReminderKind, ReminderPolicy, overdue_summary
from tests.contract.test_store_contract import ANNA, BO, T0, new_case

CAL = BusinessCalendar()
POLICY = ReminderPolicy()
STEPS = [Action.RECORD_CALL, Action.RECORD_ADDRESS_UPDATE, Action.CONFIRM_PROTECTED]


async def _populate(stores: Stores, n: int, seed: int) -> None:
    rng = random.Random(seed)
    for i in range(n):
        at = T0 + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
        case = await stores.cases.create(new_case(f"c{i:03d}", at=at))
        fate = rng.random()
        if fate < 0.15:
            case.apply(Action.WITHDRAW, BO, at + timedelta(hours=1))
        elif fate < 0.7:
            case.apply(Action.TAKE, ANNA, at + timedelta(minutes=rng.randrange(1, 600)))
            for action in STEPS[: rng.randrange(0, 4)]:
                case.apply(action, ANNA, case.updated_at + timedelta(minutes=rng.randrange(1, 3000)))
        if case.events:
            await stores.cases.update(case)


async def test_overdue_from_the_index_matches_a_scan_of_every_open_case(stores: Stores) -> None:
    await _populate(stores, 120, seed=7)
    queue = CaseQueue(stores.cases, CAL, POLICY)
    everything = await stores.cases.list(CaseFilter(open_only=True))
    for days in (0, 3, 10, 30):
        now = T0 + timedelta(days=days, hours=5)
        expected = overdue_summary(everything, now, CAL, POLICY)
        page = await queue.overdue(now, limit=25)
        assert page.overdue_total == len(expected)
        assert page.open_total == len(everything)
        assert [(r.case.id, r.kind, r.overdue_hours) for r in page.rows] == [
            (case.id, kind, hours) for case, kind, hours in expected[:25]
        ]


async def test_pages_cover_every_open_case_once_most_urgent_first(stores: Stores) -> None:
    await _populate(stores, 60, seed=11)
    queue = CaseQueue(stores.cases, CAL, POLICY)
    now = T0 + timedelta(days=12)
    seen: list[str] = []
    dues = []
    for offset in range(0, 80, 7):
        page = await queue.page(now, offset, 7)
        seen += [row.case.id for row in page.rows]
        dues += [row.due_at for row in page.rows]
    open_ids = {case.id for case in await stores.cases.list(CaseFilter(open_only=True))}
    assert sorted(seen) == sorted(open_ids)
    assert dues == sorted(dues)
    assert page.open_total == len(open_ids)


async def test_a_row_has_age_and_overdue_in_business_hours(stores: Stores) -> None:
    await stores.cases.create(new_case("c1"))  # Monday 09:00 Stockholm
    queue = CaseQueue(stores.cases, CAL, POLICY)
    (row,) = (await queue.page(T0 + timedelta(hours=2), 0, 10)).rows
    assert (row.overdue_hours, row.age_hours) == (None, 2.0)  # first reminder after 4 h
    (row,) = (await queue.page(T0 + timedelta(days=1), 0, 10)).rows
    assert (row.overdue_hours, row.age_hours) == (5.0, 9.0)


async def test_windows_from_cursors_agree_with_pages_both_ways(stores: Stores) -> None:
    """Nästa / Föregående on the overview: a window read from per-kind cursors is exactly the
    page at the same position, and its `preceding` cursor leads back to the window before."""
    await _populate(stores, 60, seed=23)
    queue = CaseQueue(stores.cases, CAL, POLICY)
    now = T0 + timedelta(days=12)
    windows = []
    cursor: dict[ReminderKind, int] | None = dict(START)
    while cursor is not None:
        window = await queue.window(now, cursor, 7)
        expected = await queue.page(now, window.position, 7)
        assert [row.case.id for row in window.rows] == [row.case.id for row in expected.rows]
        assert (window.open_total, window.overdue_total) == (expected.open_total, expected.overdue_total)
        windows.append((cursor, window))
        cursor = window.following
    open_ids = {case.id for case in await stores.cases.list(CaseFilter(open_only=True))}
    assert sum(len(window.rows) for _, window in windows) == len(open_ids) and len(windows) > 3
    assert windows[0][1].preceding is None
    for (earlier, _), (_, later) in pairwise(windows):
        assert later.preceding == earlier


async def test_a_cursor_past_the_end_of_a_kind_counts_only_what_is_there(stores: Stores) -> None:
    for n in range(3):
        await stores.cases.create(new_case(f"c{n}", at=T0 + timedelta(minutes=n)))
    queue = CaseQueue(stores.cases, CAL, POLICY)
    past = {**START, ReminderKind.STEP_IDLE: 40}
    window = await queue.window(T0 + timedelta(days=1), past, 10)
    assert [row.case.id for row in window.rows] == ["c0", "c1", "c2"]
    assert (window.position, window.open_total, window.following, window.preceding) == (0, 3, None, None)
