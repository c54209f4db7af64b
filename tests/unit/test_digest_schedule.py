"""DIGEST_SCHEDULE: parsing, and the next run always strictly in the future (no loops)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from config import SettingsError, load_settings
from domain.clock import STOCKHOLM
from domain.digest import DigestSchedule, item_id, previous_week

MONDAY_8 = DigestSchedule(0, time(8, 0))


@pytest.mark.parametrize(
    ("value", "weekday", "at"),
    [
        ("mon 08:00", 0, time(8)),
        ("Måndag 8:00", 0, time(8)),
        ("fre 15.30", 4, time(15, 30)),
        ("sun 23:59", 6, time(23, 59)),
    ],
)
def test_parse(value: str, weekday: int, at: time) -> None:
    assert DigestSchedule.parse(value) == DigestSchedule(weekday, at)


@pytest.mark.parametrize("value", ["off", "OFF", " av "])
def test_off(value: str) -> None:
    assert DigestSchedule.parse(value) is None


@pytest.mark.parametrize("value", ["monday", "08:00", "mon 24:00", "mon 08:60", "someday 08:00", ""])
def test_refused_at_start(value: str) -> None:
    with pytest.raises(SettingsError, match="digest_schedule"):
        load_settings(_env_file=None, digest_schedule=value)


def test_the_default_is_monday_eight() -> None:
    assert load_settings(_env_file=None).digest() == MONDAY_8


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 30, 6, 59, tzinfo=UTC), datetime(2026, 11, 30, 7, 0, tzinfo=UTC)),
        (datetime(2026, 11, 30, 7, 0, tzinfo=UTC), datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),  # strictly after
        (datetime(2026, 12, 2, 12, 0, tzinfo=UTC), datetime(2026, 12, 7, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 27, 12, 0, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),  # summer time
        (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),  # winter time
    ],
)
def test_next_run(now: datetime, expected: datetime) -> None:
    assert MONDAY_8.next_run(now) == expected


def test_next_run_is_always_in_the_future_and_about_a_week_at_most() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(2000):
        now += timedelta(hours=4, minutes=17)
        at = MONDAY_8.next_run(now)
        assert now < at <= now + timedelta(days=7, hours=1)  # a week with the clock change: +1 h
        assert at.astimezone(STOCKHOLM).time() == time(8) and at.astimezone(STOCKHOLM).weekday() == 0


def test_ids_name_the_iso_week_and_last_week_is_monday_to_monday() -> None:
    assert item_id(datetime(2026, 11, 30, 7, tzinfo=UTC)) == "digest:2026-W49"
    assert item_id(datetime(2027, 1, 4, 7, tzinfo=UTC)) == "digest:2027-W01"
    start, end = previous_week(datetime(2026, 11, 30, 7, tzinfo=UTC))
    assert start.astimezone(STOCKHOLM) == datetime(2026, 11, 23, tzinfo=STOCKHOLM)
    assert end - start == timedelta(days=7)
