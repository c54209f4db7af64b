"""Which months `@bot statistik …` covers, from what people type after it.

The statistics are kept per Stockholm month, so a period is a run of whole months:

- nothing: the last 12 months, this one included;
- `2026`: that year (up to this month); `i år`, `i fjol` / `förra året`;
- `2026-11`: that month; `förra månaden`; `2026-01 – 2026-06` (or `till`): a range;
- `6 månader` (`6 mån`): the last 6 months.

At most `MAX_MONTHS` months: the card shows one bar per month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_MONTHS = 36

_MONTH = r"(\d{4})-(\d{1,2})"
_RANGE = re.compile(rf"{_MONTH}\s*(?:–|—|-|till|to)\s*{_MONTH}")
_ONE_MONTH = re.compile(_MONTH)
_YEAR = re.compile(r"(\d{4})")
_LAST_N = re.compile(r"(?:senaste\s+|last\s+)?(\d{1,3})\s*(?:månader|månad|mån|months|month|mon)")
_THIS_YEAR = {"i år", "iår", "this year"}
_LAST_YEAR = {"i fjol", "ifjol", "förra året", "last year"}
_LAST_MONTH = {"förra månaden", "förra mån", "last month"}


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def key(self) -> str:
        """How the stores name it: '2026-11'."""
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    first: Month
    last: Month

    @property
    def months(self) -> list[Month]:
        span = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return [self.first.plus(n) for n in range(span + 1)]


class PeriodError(ValueError):
    """What was typed is not a period; `code` keys the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_period(words: str, today: date) -> Period:
    """The period `words` name, seen from `today` (Stockholm); raises PeriodError."""
    words = " ".join(words.casefold().split())
    now = Month.of(today)
    if not words:
        return Period(now.plus(-11), now)
    if words in _THIS_YEAR:
        return _year(now.year, now)
    if words in _LAST_YEAR:
        return _year(now.year - 1, now)
    if words in _LAST_MONTH:
        return Period(now.plus(-1), now.plus(-1))
    if found := _LAST_N.fullmatch(words):
        count = int(found.group(1))
        if not 1 <= count <= MAX_MONTHS:
            raise PeriodError("too_long")
        return Period(now.plus(1 - count), now)
    if found := _RANGE.fullmatch(words):
        first, last = _month(found.group(1), found.group(2)), _month(found.group(3), found.group(4))
        return _checked(Period(min(first, last), max(first, last)))
    if found := _ONE_MONTH.fullmatch(words):
        month = _month(found.group(1), found.group(2))
        return Period(month, month)
    if found := _YEAR.fullmatch(words):
        return _year(int(found.group(1)), now)
    raise PeriodError("unknown")


def _year(year: int, now: Month) -> Period:
    if not 2000 <= year <= 2100:
        raise PeriodError("unknown")
    return Period(Month(year, 1), min(Month(year, 12), max(now, Month(year, 1))))


def _month(year: str, month: str) -> Month:
    found = Month(int(year), int(month))
    if not 1 <= found.month <= 12 or not 2000 <= found.year <= 2100:
        raise PeriodError("unknown")
    return found


def _checked(period: Period) -> Period:
    if len(period.months) > MAX_MONTHS:
        raise PeriodError("too_long")
    return period
