"""`latest_start`: the inverse of adding business hours, which the idle-index queries rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.business_time import BusinessCalendar
from domain.clock import STOCKHOLM

CAL = BusinessCalendar()
TICK = timedelta(microseconds=1)


@settings(database=None, deadline=None, max_examples=300)
@given(
    deadline=st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2027, 12, 31),
        timezones=st.sampled_from([UTC, STOCKHOLM]),
    ),
    hours=st.one_of(st.sampled_from([0.0, 4.0, 9.0, 27.0]), st.floats(min_value=0, max_value=60)),
)
def test_latest_start_is_the_last_moment_whose_reminder_is_due(deadline: datetime, hours: float) -> None:
    start = CAL.latest_start(deadline, hours)
    assert CAL.add_business_hours(start, hours) <= deadline
    assert CAL.add_business_hours(start + TICK, hours) > deadline


@pytest.mark.parametrize(
    ("deadline", "hours", "expected"),
    [
        (datetime(2026, 3, 2, 12, tzinfo=STOCKHOLM), 4.0, datetime(2026, 3, 2, 8, tzinfo=STOCKHOLM)),
        # Monday 09:00 minus 4 h: 1 h of Monday, then back to Friday 14:00.
        (datetime(2026, 3, 9, 9, tzinfo=STOCKHOLM), 4.0, datetime(2026, 3, 6, 14, tzinfo=STOCKHOLM)),
        # Saturday: as from Friday's closing time.
        (datetime(2026, 3, 7, 12, tzinfo=STOCKHOLM), 9.0, datetime(2026, 3, 6, 8, tzinfo=STOCKHOLM)),
    ],
)
def test_latest_start_examples(deadline: datetime, hours: float, expected: datetime) -> None:
    assert CAL.latest_start(deadline, hours) == expected


def test_negative_hours_and_naive_deadlines_are_refused() -> None:
    with pytest.raises(ValueError):
        CAL.latest_start(datetime(2026, 3, 2, 12, tzinfo=UTC), -1)
    with pytest.raises(ValueError):
        CAL.latest_start(datetime(2026, 3, 2, 12), 1)
