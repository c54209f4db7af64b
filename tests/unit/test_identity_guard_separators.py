"""Property tests for the separator families: however staff split a number, the guard finds it.

Each family is generated from a synthetic date and serial with a computed check digit
(tests/support/numbers.py), written with separators drawn from what people type and paste,
placed in Swedish text. Look-alikes written with the same separators must still pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.identity_guard import IdentityNumberHit, Kind, find_identity_numbers, redact
from tests.support.numbers import luhn_digit
from tests.unit.test_identity_guard_properties import swedish_text

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)

# What goes between the parts: ASCII, typographic and pasted forms (folded by the guard).
DASHES = ["-", "\u2013", "\u2014", "\u2212", "\u2011", "\uff0d", " - ", " \u2013 ", "--"]
SPACES = [" ", "\u00a0", "\u202f", "\u2009", "\u3000", "  ", "\t"]
OTHERS = [".", "/", "_", "\\", ". ", " / ", "\uff0e", "\uff0f", "\uff3f", "\u2044"]
SEPARATORS = DASHES + SPACES + OTHERS
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class Number:
    """The parts of one synthetic identity number."""

    century: str
    yy: str
    mm: str
    dd: str
    tail: str  # serial + check digit (or interim letter, two digits, check digit)
    kind: Kind


@st.composite
def numbers(draw: st.DrawFn, *, check_digit_right: bool = True) -> Number:
    kind: Kind = draw(st.sampled_from(["personnummer", "samordningsnummer", "interimsnummer"]))
    year = draw(st.integers(1800, 2099))
    month = draw(st.integers(0 if kind == "samordningsnummer" else 1, 12))
    day = draw(st.integers(60, 91) if kind == "samordningsnummer" else st.integers(1, 31))
    serial = f"{draw(st.integers(0, 999)):03d}"
    if kind == "interimsnummer":
        serial = draw(st.sampled_from("TRSUWXJKLMN")) + serial[1:]
    yy, mm, dd = f"{year % 100:02d}", f"{month:02d}", f"{day:02d}"
    check = luhn_digit(yy + mm + dd + serial)
    if not check_digit_right:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
    century = f"{year // 100}" if draw(st.booleans()) else ""
    return Number(century, yy, mm, dd, serial + check, kind)


def assert_found_whole(before: str, written: str, after: str, kind: Kind) -> None:
    text = f"{before} {written} {after}"
    start = len(before) + 1
    assert find_identity_numbers(text) == [IdentityNumberHit(kind, start, start + len(written))], written
    assert written not in redact(text)


@st.composite
def date_parts_apart(draw: st.DrawFn) -> tuple[str, Kind]:
    """``YY-MM-DD-NNNC``, ``YYMM DD NNNC``, ``YYYY.MM.DD NNNC``: at least one separator in the
    date, and one before the last four."""
    n = draw(numbers())
    first = draw(st.sampled_from(["", *SEPARATORS]))
    second = draw(st.sampled_from(SEPARATORS if not first else ["", *SEPARATORS]))
    last = draw(st.sampled_from([*SEPARATORS, "+"]))
    return f"{n.century}{n.yy}{first}{n.mm}{second}{n.dd}{last}{n.tail}", n.kind


@st.composite
def split_serials(draw: st.DrawFn) -> tuple[str, Kind]:
    """``YYMMDDNN NC``, ``YYMMDD-NNN C``, ``YYYYMMDD N NNC``: a compact date, the last four split."""
    n = draw(numbers())
    before_tail = draw(st.sampled_from(["", *SEPARATORS]))
    at = draw(st.integers(1, 3))
    inside = draw(st.sampled_from(SEPARATORS))
    tail = n.tail[:at] + inside + n.tail[at:]
    return f"{n.century}{n.yy}{n.mm}{n.dd}{before_tail}{tail}", n.kind


@st.composite
def all_pairs(draw: st.DrawFn) -> tuple[str, Kind]:
    """``YY MM DD NN NC`` with one separator throughout."""
    n = draw(numbers())
    sep = draw(st.sampled_from(SEPARATORS))
    return sep.join([n.century + n.yy, n.mm, n.dd, n.tail[:2], n.tail[2:]]), n.kind


@st.composite
def compact_date_new_separators(draw: st.DrawFn, *, check_digit_right: bool = True) -> tuple[str, Kind]:
    """``YYMMDD.NNNC``, ``YYMMDD/NNNC``, ``YYYYMMDD_NNNC``: the classic shape, other separators."""
    n = draw(numbers(check_digit_right=check_digit_right))
    sep = draw(st.sampled_from([*OTHERS, "--", " - ", "\u3000"]))
    # With a century, only the classic separators vouch for a wrong check digit: YYYYMMDD_HHMM
    # is a file name's timestamp far more often than a mistyped personnummer.
    century = n.century if check_digit_right or sep not in OTHERS else ""
    return f"{century}{n.yy}{n.mm}{n.dd}{sep}{n.tail}", n.kind


def full_width(written: str) -> str:
    return written.translate(FULL_WIDTH)


FAMILIES = st.one_of(date_parts_apart(), split_serials(), all_pairs(), compact_date_new_separators())


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=date_parts_apart(), after=swedish_text())
def test_date_parts_apart_are_found(before: str, number: tuple[str, Kind], after: str) -> None:
    assert_found_whole(before, *number[:1], after, number[1])


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=split_serials(), after=swedish_text())
def test_split_serials_are_found(before: str, number: tuple[str, Kind], after: str) -> None:
    assert_found_whole(before, number[0], after, number[1])


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=all_pairs(), after=swedish_text())
def test_all_pairs_are_found(before: str, number: tuple[str, Kind], after: str) -> None:
    assert_found_whole(before, number[0], after, number[1])


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=compact_date_new_separators(), after=swedish_text())
def test_compact_date_with_other_separators_is_found(
    before: str, number: tuple[str, Kind], after: str
) -> None:
    assert_found_whole(before, number[0], after, number[1])


@PROPERTY_SETTINGS
@given(number=compact_date_new_separators(check_digit_right=False))
def test_compact_date_with_other_separators_and_wrong_check_digit_is_still_found(
    number: tuple[str, Kind],
) -> None:
    assert [hit.kind for hit in find_identity_numbers(f"pnr {number[0]}")] == [number[1]]


def test_a_twelve_digit_timestamp_with_an_underscore_needs_the_right_check_digit() -> None:
    date, serial = "20261130", "143"
    check = int(luhn_digit(date[2:] + serial))
    assert find_identity_numbers(f"export_{date}_{serial}{(check + 1) % 10}.csv") == []
    assert find_identity_numbers(f"pnr {date}_{serial}{check}") != []


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=FAMILIES, after=swedish_text())
def test_every_family_is_found_in_full_width_digits(
    before: str, number: tuple[str, Kind], after: str
) -> None:
    assert_found_whole(before, full_width(number[0]), after, number[1])


def digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def lit(value: str) -> st.SearchStrategy[str]:
    return st.just(value)


PAIRS = st.lists(digits(2), min_size=3, max_size=4).map(" ".join)
# Swedish phone numbers the way people write them: area code, dash, then groups.
GROUPED_PHONES = st.one_of(
    joined(lit("0"), digits(3), st.sampled_from(["-", " - ", "\u2013"]), PAIRS),  # 0611-12 34 56
    joined(lit("0"), digits(2), lit("-"), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("08-"), PAIRS),  # 08-12 34 56 78
    joined(lit("07"), digits(2), st.sampled_from(["-", " "]), PAIRS),  # 0701-23 45 67
    joined(lit("+46 7"), digits(1), lit(" "), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("+46 8 "), digits(2), lit(" "), digits(2), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("+46 611 "), digits(2), lit(" "), digits(2), lit(" "), digits(2)),
)
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y.%m.%d", "%-d/%-m %Y", "%y-%m-%d"]
TIME_FORMATS = ["", " %H:%M", " kl. %H.%M", " kl %H:%M", "T%H:%M", " %H:%M-%H:%M", " %H.%M"]
DATES_AND_TIMES = st.tuples(st.datetimes(), st.sampled_from(DATE_FORMATS), st.sampled_from(TIME_FORMATS)).map(
    lambda t: t[0].strftime(t[1] + t[2])
)
# Organisation numbers: the "month" is 20 or more, whatever the separators.
ORG_NUMBERS = st.tuples(
    st.sampled_from(["", "16"]),
    digits(2),
    st.sampled_from("23456789").flatmap(lambda first: digits(1).map(lambda d: first + d)),
    digits(2),
    st.sampled_from(["", *SEPARATORS]),
    st.sampled_from(["", *SEPARATORS]),
    st.sampled_from(["-", *SEPARATORS]),
    digits(4),
).map(lambda t: f"{t[0]}{t[1]}{t[4]}{t[2]}{t[5]}{t[3]}{t[6]}{t[7]}")
CASE_AND_TICKET_NUMBERS = st.one_of(
    joined(lit("SID-"), st.integers(2024, 2099).map(str), lit("-"), digits(4)),
    joined(st.sampled_from(["INC", "RITM", "REQ", "CS"]), digits(7)),
)
LOOK_ALIKES = st.one_of(GROUPED_PHONES, DATES_AND_TIMES, ORG_NUMBERS, CASE_AND_TICKET_NUMBERS)


@PROPERTY_SETTINGS
@given(before=swedish_text(), look_alike=LOOK_ALIKES, after=swedish_text())
def test_look_alikes_with_the_same_separators_pass(before: str, look_alike: str, after: str) -> None:
    assert find_identity_numbers(f"{before} {look_alike} {after}") == []


@PROPERTY_SETTINGS
@given(
    case=joined(lit("SID-"), st.integers(2024, 2099).map(str), lit("-"), digits(4)), count=st.integers(2, 5)
)
def test_lists_of_case_numbers_pass(case: str, count: int) -> None:
    for joiner in (", ", " ", "\n", " och "):
        assert find_identity_numbers(joiner.join([case] * count)) == []


def _luhn_valid_date_and_time() -> str:
    """A date and a four-digit time that together pass Luhn, as ``YYYY-MM-DD HHMM``."""
    return next(
        f"2026-11-30 {hhmm:04d}"
        for hhmm in range(800, 1800)
        if luhn_digit(f"261130{hhmm:04d}"[:9]) == f"{hhmm:04d}"[-1]
    )


def test_a_date_and_time_range_is_not_a_number_but_a_lone_luhn_valid_pair_is() -> None:
    date_and_time = _luhn_valid_date_and_time()
    assert find_identity_numbers(f"möte {date_and_time}") != []  # listed in the README
    assert find_identity_numbers(f"möte {date_and_time}-1500") == []  # chained: a range
    assert find_identity_numbers(f"rum {date_and_time[2:]}") != []  # 26-11-30 HHMM alone
    assert find_identity_numbers(f"rum 12 {date_and_time[2:]}") == []  # after a digit group
