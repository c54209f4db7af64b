"""Swedish days off: the public holidays of lag (1989:253) om allmänna helgdagar, plus the eves.

Our own calendar rather than the `holidays` package: that package builds every country's
machinery and gettext catalogues on import (~8 MB resident, ~0.1 s of boot) to answer a question
whose answer is a dozen lines of well-defined rules. tests/unit/test_swedish_holidays.py checks
these rules against the package's SE "public" + "de_facto" categories for every year 1900-2100.

The rules follow the law as it changed: from 1953 (Act 1952:48, which moved midsommardagen and
alla helgons dag to Saturdays) Marie bebådelsedag was a holiday until 1989, annandag pingst until
2004, and nationaldagen is one from 2005. Before 1953 we, like the package, list no public
holidays: the older rules (fixed-date midsommardagen, and more) never matter for a case.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

_ACT_1952_48 = 1953  # the first year of the rules below


def easter_sunday(year: int) -> date:
    """Western Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_weekday_from(start: date, weekday: int) -> date:
    """The first `weekday` (Monday 0 ... Sunday 6) on or after `start`."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


_FRIDAY, _SATURDAY, _SUNDAY = 4, 5, 6


def _annunciation(year: int, easter: date) -> date:
    """Marie bebådelsedag (1953-1989): the Sunday of 22-28 March, or the Sunday before Palm
    Sunday when that Sunday is Palm Sunday or Easter Sunday (Act 1952:48)."""
    sunday = _first_weekday_from(date(year, 3, 22), _SUNDAY)
    if sunday in (easter - timedelta(days=7), easter):
        return easter - timedelta(days=14)
    return sunday


def swedish_public_holidays(year: int) -> frozenset[date]:
    """The allmänna helgdagar of `year` (Sundays, which are all helgdagar, left out)."""
    if year < _ACT_1952_48:
        return frozenset()
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),  # nyårsdagen
        date(year, 1, 6),  # trettondedag jul
        easter - timedelta(days=2),  # långfredagen
        easter,  # påskdagen
        easter + timedelta(days=1),  # annandag påsk
        date(year, 5, 1),  # första maj
        easter + timedelta(days=39),  # Kristi himmelsfärdsdag
        easter + timedelta(days=49),  # pingstdagen
        _first_weekday_from(date(year, 6, 20), _SATURDAY),  # midsommardagen
        _first_weekday_from(date(year, 10, 31), _SATURDAY),  # alla helgons dag
        date(year, 12, 25),  # juldagen
        date(year, 12, 26),  # annandag jul
    }
    if year <= 1989:
        days.add(_annunciation(year, easter))
    if year <= 2004:
        days.add(easter + timedelta(days=50))  # annandag pingst
    else:
        days.add(date(year, 6, 6))  # nationaldagen
    return frozenset(days)


def swedish_eves(year: int) -> frozenset[date]:
    """Midsommarafton (the Friday of 19-25 June), julafton and nyårsafton.

    Not public holidays by law, but the semesterlag (1977:480, 7 §) treats them as Sundays and
    nobody staffs LifeCare SP then. Listed for every year, also before 1953.
    """
    midsummer_eve = _first_weekday_from(date(year, 6, 19), _FRIDAY)
    return frozenset({midsummer_eve, date(year, 12, 24), date(year, 12, 31)})


@cache
def swedish_days_off(year: int) -> frozenset[date]:
    """Public holidays plus midsommarafton, julafton and nyårsafton of `year`.

    Sundays are weekend days for the business calendar anyway, so they are not listed.
    """
    return swedish_public_holidays(year) | swedish_eves(year)
