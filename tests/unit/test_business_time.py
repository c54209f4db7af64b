"""Business time: office hours on Swedish working days, in Europe/Stockholm wall time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.business_time import BusinessCalendar
from domain.clock import STOCKHOLM
from domain.swedish_holidays import swedish_days_off

CAL = BusinessCalendar()


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=STOCKHOLM)


# 2 March 2026 is a Monday; 6 March a Friday.
@pytest.mark.parametrize(
    ("at", "working"),
    [
        (local(2026, 3, 2, 8), True),
        (local(2026, 3, 2, 7, 59), False),
        (local(2026, 3, 2, 16, 59), True),
        (local(2026, 3, 2, 17), False),
        (local(2026, 3, 2, 22), False),
        (local(2026, 3, 7, 10), False),  # Saturday
        (local(2026, 3, 8, 10), False),  # Sunday
        (datetime(2026, 3, 2, 7, tzinfo=UTC), True),  # 08:00 CET
        (datetime(2026, 6, 1, 6, tzinfo=UTC), True),  # 08:00 CEST
        (datetime(2026, 6, 1, 5, 59, tzinfo=UTC), False),  # 07:59 CEST
    ],
)
def test_office_hours_are_weekdays_from_eight_to_five(at: datetime, working: bool) -> None:
    assert CAL.is_working_time(at) is working


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 1, 1), id="nyårsdagen"),
        pytest.param(date(2026, 1, 6), id="trettondedag jul"),
        pytest.param(date(2026, 4, 3), id="långfredagen"),
        pytest.param(date(2026, 4, 6), id="annandag påsk"),
        pytest.param(date(2026, 5, 1), id="första maj"),
        pytest.param(date(2026, 5, 14), id="kristi himmelsfärdsdag"),
        pytest.param(date(2025, 6, 6), id="nationaldagen (a Friday in 2025)"),
        pytest.param(date(2026, 6, 19), id="midsommarafton 2026"),
        pytest.param(date(2027, 6, 25), id="midsommarafton 2027"),
        pytest.param(date(2026, 12, 24), id="julafton"),
        pytest.param(date(2026, 12, 25), id="juldagen"),
        pytest.param(date(2026, 12, 31), id="nyårsafton"),
    ],
)
def test_swedish_holidays_and_eves_are_days_off(day: date) -> None:
    assert day.weekday() < 5, "pick a weekday, or the weekend rule alone would pass"
    assert not CAL.is_working_time(datetime.combine(day, time(10), tzinfo=STOCKHOLM))


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 2), date(2026, 4, 7), date(2026, 6, 18), date(2026, 12, 23), date(2026, 6, 22)],
    ids=["skärtorsdagen", "tisdag efter påsk", "dagen före midsommarafton", "lillejulafton", "måndag"],
)
def test_ordinary_days_around_holidays_are_working_days(day: date) -> None:
    assert CAL.is_working_day(day)


@pytest.mark.parametrize("year", range(2024, 2032))
def test_the_three_eves_are_off_every_year(year: int) -> None:
    off = swedish_days_off(year)
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    assert {midsummer_eve, date(year, 12, 24), date(year, 12, 31)} <= off


@pytest.mark.parametrize(
    ("start", "hours", "end"),
    [
        pytest.param(local(2026, 3, 2, 10), 2, local(2026, 3, 2, 12), id="same day"),
        pytest.param(local(2026, 3, 2, 10), 7, local(2026, 3, 2, 17), id="ends at closing"),
        pytest.param(local(2026, 3, 2, 10), 8, local(2026, 3, 3, 9), id="overnight"),
        pytest.param(local(2026, 3, 2, 10), 0.5, local(2026, 3, 2, 10, 30), id="half an hour"),
        pytest.param(local(2026, 3, 2, 18), 1, local(2026, 3, 3, 9), id="evening start"),
        pytest.param(local(2026, 3, 2, 6), 1, local(2026, 3, 2, 9), id="before opening"),
        pytest.param(local(2026, 3, 2, 17), 0, local(2026, 3, 3, 8), id="at closing, zero"),
        pytest.param(local(2026, 3, 6, 15), 4, local(2026, 3, 9, 10), id="over the weekend"),
        pytest.param(local(2026, 3, 7, 12), 0, local(2026, 3, 9, 8), id="saturday, zero"),
        pytest.param(local(2026, 3, 8, 12), 4, local(2026, 3, 9, 12), id="sunday start"),
        pytest.param(local(2026, 3, 2, 8), 45, local(2026, 3, 6, 17), id="a whole week"),
    ],
)
def test_add_business_hours_counts_only_office_time(start: datetime, hours: float, end: datetime) -> None:
    result = CAL.add_business_hours(start, hours)
    assert result == end
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        pytest.param(local(2026, 3, 6, 15), 1, local(2026, 3, 9, 15), id="friday to monday"),
        pytest.param(local(2026, 3, 2, 8), 1, local(2026, 3, 2, 17), id="a full day from opening"),
        pytest.param(local(2026, 3, 2, 10), 5, local(2026, 3, 9, 10), id="a working week"),
        pytest.param(local(2026, 1, 5, 15), 1, local(2026, 1, 7, 15), id="trettondedag jul"),
        pytest.param(local(2026, 4, 2, 15), 1, local(2026, 4, 7, 15), id="påsk"),
        pytest.param(local(2026, 4, 30, 15), 1, local(2026, 5, 4, 15), id="första maj"),
        pytest.param(local(2026, 5, 13, 15), 1, local(2026, 5, 15, 15), id="kristi himmelsfärd"),
        pytest.param(local(2025, 6, 5, 15), 1, local(2025, 6, 9, 15), id="nationaldagen"),
        pytest.param(local(2026, 6, 18, 15), 1, local(2026, 6, 22, 15), id="midsommarafton"),
        pytest.param(local(2026, 12, 23, 15), 1, local(2026, 12, 28, 15), id="julafton och juldagen"),
        pytest.param(local(2026, 12, 30, 15), 1, local(2027, 1, 4, 15), id="nyårsafton, new year"),
    ],
)
def test_a_business_day_is_one_office_day_of_time(start: datetime, days: int, end: datetime) -> None:
    assert CAL.add_business_days(start, days) == end


@pytest.mark.parametrize(
    ("start", "end_utc"),
    [
        # 29 March 2026: clocks go from CET (+1) to CEST (+2) overnight to Sunday.
        pytest.param(local(2026, 3, 27, 15), datetime(2026, 3, 30, 13, tzinfo=UTC), id="spring"),
        pytest.param(
            datetime(2026, 3, 27, 14, tzinfo=UTC), datetime(2026, 3, 30, 13, tzinfo=UTC), id="spring utc"
        ),
        # 25 October 2026: back from CEST to CET.
        pytest.param(local(2026, 10, 23, 15), datetime(2026, 10, 26, 14, tzinfo=UTC), id="autumn"),
    ],
)
def test_business_days_keep_wall_time_across_dst(start: datetime, end_utc: datetime) -> None:
    end = CAL.add_business_days(start, 1)
    assert end == end_utc
    assert end.astimezone(STOCKHOLM).time() == time(15)
    assert CAL.business_hours_between(start, end) == 9.0


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        (local(2026, 3, 2, 10), local(2026, 3, 2, 12), 2.0),
        (local(2026, 3, 2, 16), local(2026, 3, 3, 9), 2.0),
        (local(2026, 3, 6, 16), local(2026, 3, 9, 9), 2.0),
        (local(2026, 3, 2, 18), local(2026, 3, 3, 7), 0.0),
        (local(2026, 3, 2, 8), local(2026, 3, 9, 8), 45.0),
        (local(2026, 12, 23, 8), local(2026, 12, 28, 8), 9.0),
        (local(2026, 3, 28), local(2026, 3, 30), 0.0),  # the DST weekend
        (local(2026, 3, 27, 8), local(2026, 3, 30, 17), 18.0),
        (local(2026, 10, 23, 8), local(2026, 10, 26, 17), 18.0),
        (local(2026, 3, 2, 12), local(2026, 3, 2, 10), -2.0),
    ],
)
def test_business_hours_between(a: datetime, b: datetime, hours: float) -> None:
    assert CAL.business_hours_between(a, b) == hours


NAIVE = datetime(2026, 3, 2, 10)  # deliberately without a zone
AWARE = local(2026, 3, 2, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.is_working_time(NAIVE),
        lambda: CAL.add_business_hours(NAIVE, 1),
        lambda: CAL.add_business_days(NAIVE, 1),
        lambda: CAL.business_hours_between(NAIVE, AWARE),
        lambda: CAL.business_hours_between(AWARE, NAIVE),
    ],
    ids=["is_working_time", "add_business_hours", "add_business_days", "between a", "between b"],
)
def test_naive_datetimes_are_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call()


def test_negative_hours_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        CAL.add_business_hours(AWARE, -1)


def test_office_hours_are_configurable() -> None:
    short = BusinessCalendar(opens=time(8), closes=time(16, 30))
    assert short.day_hours == 8.5
    assert short.add_business_days(local(2026, 3, 6, 15), 1) == local(2026, 3, 9, 15)
    assert not short.is_working_time(local(2026, 3, 2, 16, 30))


def test_office_must_open_before_it_closes() -> None:
    with pytest.raises(ValueError, match="open before"):
        BusinessCalendar(opens=time(17), closes=time(8))


@settings(database=None, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1),  # hypothesis takes naive bounds plus `timezones`
        max_value=datetime(2027, 12, 31),
        timezones=st.sampled_from([UTC, STOCKHOLM, ZoneInfo("America/New_York")]),
    ),
    hours=st.floats(min_value=0, max_value=120, allow_nan=False),
)
def test_adding_then_measuring_gives_back_the_hours(start: datetime, hours: float) -> None:
    end = CAL.add_business_hours(start, hours)
    assert CAL.business_hours_between(start, end) == pytest.approx(hours, abs=1e-6)
    assert CAL.is_working_time(end) or end.astimezone(STOCKHOLM).time() == CAL.closes
