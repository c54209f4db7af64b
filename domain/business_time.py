"""Business time for Region Västernorrland: office hours on Swedish working days.

Reminders count only the time someone could have acted, so a case reported on Friday evening is
not "two days late" on Monday morning. The arithmetic runs in local wall time day by day: an
office day is `closes - opens` long on the clock, also on the days Europe/Stockholm changes to or
from summer time. Every function takes aware datetimes in any zone, raises ValueError on naive
ones, and returns UTC-aware datetimes, the form storage and the due index keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from domain.clock import STOCKHOLM
from domain.swedish_holidays import swedish_days_off

_HOUR = timedelta(hours=1)
_MICROSECOND = timedelta(microseconds=1)


def require_aware(at: datetime) -> None:
    """Raise ValueError for a naive datetime, which would silently mean the server's zone."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at.isoformat()}; business time needs a time zone")


@dataclass(frozen=True)
class BusinessCalendar:
    """Office hours `opens`-`closes` (local wall time) Monday to Friday, Swedish days off excepted.

    Office time is the half-open interval [opens, closes): 17:00 is already after hours.
    Keep `opens` and `closes` outside 02:00-03:00, the hour that summer time skips or repeats.
    """

    opens: time = time(8, 0)
    closes: time = time(17, 0)
    tz: tzinfo = STOCKHOLM

    def __post_init__(self) -> None:
        if self.opens >= self.closes:
            raise ValueError(f"office must open before it closes ({self.opens} >= {self.closes})")

    @property
    def day_hours(self) -> float:
        """Length of one office day in hours (9.0 for 08:00-17:00)."""
        opened = datetime.combine(date.min, self.opens)
        return (datetime.combine(date.min, self.closes) - opened) / _HOUR

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in swedish_days_off(day.year)

    def is_working_time(self, at: datetime) -> bool:
        """True when `at` falls inside office hours of a working day, in the calendar's zone."""
        require_aware(at)
        local = at.astimezone(self.tz)
        return self.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of office time after `start`, as UTC.

        A start outside office hours counts from the next opening. The result can be a closing
        time (9 h from Monday 08:00 is Monday 17:00) but never a later opening.
        """
        require_aware(start)
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        # All datetimes below share self.tz, so Python subtracts and compares them in wall time.
        at = start.astimezone(self.tz)
        day = at.date()
        while True:
            window = self._office(day)
            if window is not None:
                begin = max(at, window[0])
                if begin < window[1]:
                    if remaining <= window[1] - begin:
                        return (begin + remaining).astimezone(UTC)
                    remaining -= window[1] - begin
            day += timedelta(days=1)
            at = datetime.combine(day, time(0), tzinfo=self.tz)

    def latest_start(self, deadline: datetime, hours: float) -> datetime:
        """The latest moment `t` with `add_business_hours(t, hours) <= deadline`, as UTC.

        The inverse that lets an index answer "whose reminder is due by now?" with one range
        query on the start of the idle period: `add_business_hours` never decreases, so every
        start at or before this moment is due by `deadline`, and every later one is not.
        """
        require_aware(deadline)
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        if not hours and self.is_working_time(deadline):
            return deadline.astimezone(UTC)
        remaining = timedelta(hours=hours)
        at = deadline.astimezone(self.tz)
        day = at.date()
        while True:
            window = self._office(day)
            if window is not None and at > window[0]:
                end = min(at, window[1])
                if remaining <= end - window[0]:
                    if not remaining and end == window[1] and at >= window[1]:
                        # Zero hours from closing time means the next opening, after `deadline`.
                        return (end - _MICROSECOND).astimezone(UTC)
                    return (end - remaining).astimezone(UTC)
                remaining -= end - window[0]
            day -= timedelta(days=1)
            at = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)

    def add_business_days(self, start: datetime, days: float) -> datetime:
        """`days` office days of business time after `start`, as UTC.

        One business day is `day_hours` of office time, not "the next working date": one day
        from Friday 15:00 is Monday 15:00, and from Monday 08:00 it is Monday 17:00.
        """
        return self.add_business_hours(start, days * self.day_hours)

    def business_hours_between(self, a: datetime, b: datetime) -> float:
        """Office hours from `a` to `b`; negative when `b` is before `a`."""
        require_aware(a)
        require_aware(b)
        if b < a:
            return -self.business_hours_between(b, a)
        start, end = a.astimezone(self.tz), b.astimezone(self.tz)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            window = self._office(day)
            if window is not None:
                overlap = min(end, window[1]) - max(start, window[0])
                total += max(overlap, timedelta())
            day += timedelta(days=1)
        return total / _HOUR

    def _office(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.is_working_day(day):
            return None
        return (
            datetime.combine(day, self.opens, tzinfo=self.tz),
            datetime.combine(day, self.closes, tzinfo=self.tz),
        )
