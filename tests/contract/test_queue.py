"""The queue read from the idle index agrees with the plain definition over every open case."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from itertools import pairwise

from domain.business_time import BusinessCalendar
from domain.case import Action, Case
from domain.ports import CaseFilter, Stores
from domain.queue import START, CaseQueue
from domain.reminders import ReminderKind, ReminderPolicy, overdue_summary, reminder_kind
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


def by_urgency(cases: list[Case]) -> list[str]:
    """The plain definition over every open case: by when the first reminder of its current idle
    period falls due, then by the start of that period, then by id (the index's order)."""

    def urgency(case: Case) -> tuple[datetime, datetime, str]:
        kind = reminder_kind(case)
        assert kind is not None
        due = CAL.add_business_hours(case.updated_at, POLICY.cadence(kind).first.in_hours(CAL))
        return due, case.updated_at, case.id

    return [case.id for case in sorted(cases, key=urgency)]


async def test_windows_cover_every_open_case_once_most_urgent_first(stores: Stores) -> None:
    await _populate(stores, 60, seed=11)
    queue = CaseQueue(stores.cases, CAL, POLICY)
    now = T0 + timedelta(days=12)
    everything = await stores.cases.list(CaseFilter(open_only=True))
    seen: list[str] = []
    dues = []
    cursor: dict[ReminderKind, int] | None = dict(START)
    while cursor is not None:
        window = await queue.window(now, cursor, 7)
        assert window.position == len(seen)
        seen += [row.case.id for row in window.rows]
        dues += [row.due_at for row in window.rows]
        cursor = window.following
    assert seen == by_urgency(everything)
    assert dues == sorted(dues)
    assert window.open_total == len(everything)


async def test_a_row_has_age_and_overdue_in_business_hours(stores: Stores) -> None:
    await stores.cases.create(new_case("c1"))  # Monday 09:00 Stockholm
    queue = CaseQueue(stores.cases, CAL, POLICY)
    (row,) = (await queue.window(T0 + timedelta(hours=2), START, 10)).rows
    assert (row.overdue_hours, row.age_hours) == (None, 2.0)  # first reminder after 4 h
    (row,) = (await queue.window(T0 + timedelta(days=1), START, 10)).rows
    assert (row.overdue_hours, row.age_hours) == (5.0, 9.0)


async def test_windows_from_cursors_agree_with_a_scan_both_ways(stores: Stores) -> None:
    """Nästa / Föregående on the overview: a window read from per-kind cursors holds exactly the
    open cases at its position in urgency order, and its `preceding` cursor leads back to the
    window before."""
    await _populate(stores, 60, seed=23)
    queue = CaseQueue(stores.cases, CAL, POLICY)
    now = T0 + timedelta(days=12)
    everything = await stores.cases.list(CaseFilter(open_only=True))
    ranked = by_urgency(everything)
    overdue = len(overdue_summary(everything, now, CAL, POLICY))
    windows = []
    cursor: dict[ReminderKind, int] | None = dict(START)
    while cursor is not None:
        window = await queue.window(now, cursor, 7)
        at = window.position
        assert [row.case.id for row in window.rows] == ranked[at : at + 7]
        assert (window.open_total, window.overdue_total) == (len(everything), overdue)
        windows.append((cursor, window))
        cursor = window.following
    assert sum(len(window.rows) for _, window in windows) == len(everything) and len(windows) > 3
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
