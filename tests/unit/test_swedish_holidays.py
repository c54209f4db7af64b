"""Our Swedish calendar against the `holidays` package (a dev dependency, kept for this check)."""

from __future__ import annotations

from datetime import date

import holidays
import pytest
from dateutil.easter import easter as dateutil_easter

from domain.swedish_holidays import (
    easter_sunday,
    swedish_days_off,
    swedish_eves,
    swedish_public_holidays,
)


def package_days_off(year: int) -> set[date]:
    calendar = holidays.country_holidays("SE", years=year, categories=("public", "de_facto"))
    return set(calendar.keys())


def test_every_year_from_1953_to_2100_matches_the_holidays_package() -> None:
    mismatches = {}
    for year in range(1953, 2101):
        ours, theirs = set(swedish_days_off(year)), package_days_off(year)
        if ours != theirs:
            mismatches[year] = (sorted(ours - theirs), sorted(theirs - ours))
    assert not mismatches


def test_before_1953_neither_lists_public_holidays_and_we_keep_the_eves() -> None:
    # The package starts at Act 1952:48 and lists nothing earlier; business_time always added
    # the three eves on top, so that is the behaviour kept for 1900-1952.
    for year in range(1900, 1953):
        assert package_days_off(year) == set()
        assert swedish_public_holidays(year) == frozenset()
        assert swedish_days_off(year) == swedish_eves(year)
    assert swedish_eves(1952) == {date(1952, 6, 20), date(1952, 12, 24), date(1952, 12, 31)}


def test_the_package_lists_the_eves_in_its_de_facto_category() -> None:
    # Otherwise the comparison above would not cover the eves.
    assert {date(2026, 6, 19), date(2026, 12, 24), date(2026, 12, 31)} <= package_days_off(2026)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (1961, date(1961, 4, 2)),
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2025, date(2025, 4, 20)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday_on_known_dates(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_easter_sunday_agrees_with_dateutil_for_every_gregorian_year() -> None:
    mismatches = [y for y in range(1583, 5000) if easter_sunday(y) != dateutil_easter(y)]
    assert not mismatches
