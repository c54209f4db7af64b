"""Property tests: synthetic identity numbers in any format are found; look-alikes never are.

Numbers are generated from a date and a serial with a computed check digit, never real ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.identity_guard import IdentityNumberHit, Kind, find_identity_numbers, redact
from tests.support.numbers import luhn_digit

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

WORDS = [
    "patienten",
    "har",
    "skyddad",
    "identitet",
    "vårdtillfälle",
    "på",
    "avdelning",
    "är",
    "överflyttad",
    "Åsa",
    "Örnsköldsvik",
    "Sundsvall",
    "pnr",
    "tack",
    "hälsningar",
    "T",
    "K",
    "\ufb01nns",  # a ligature: folds to two characters, shifting offsets
    "\U0001f469\u200d\u2695\ufe0f",  # emoji joined by a zero-width joiner, which folding drops
]
PUNCTUATION = [" ", " ", " ", ", ", ". ", "… ", ": ", "; ", "! ", "? ", " (", ") ", "\n", " – ", " «", "» "]
SEPARATORS = [
    "-",
    "+",
    " ",
    " - ",
    "\u2013",
    "\u2014",
    "\u2212",
    "\u2010",
    "\u2011",
    "\u00a0",
    "\u202f",
    "\u2009",
]
DIGIT_ZEROS = ["0", "\uff10", "\u0660", "\u06f0", "\u0966"]  # ASCII, full width, Arabic-Indic x2, Devanagari
INTERIM_LETTERS = "TRSUWXJKLMNtrsuwxjklmn"


@dataclass(frozen=True)
class Written:
    text: str
    kind: Kind


@st.composite
def swedish_text(draw: st.DrawFn) -> str:
    """A few Swedish words and punctuation, never a digit."""
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(PUNCTUATION)), max_size=6))
    return "".join(word + gap for word, gap in parts)


@st.composite
def identity_numbers(draw: st.DrawFn, *, check_digit_right: bool = True) -> Written:
    """Any identity number in any way staff might write it."""
    kind: Kind = draw(st.sampled_from(["personnummer", "samordningsnummer", "interimsnummer"]))
    year = draw(st.integers(1800, 2099))
    month = draw(st.integers(0 if kind == "samordningsnummer" else 1, 12))
    day = draw(st.integers(60, 91) if kind == "samordningsnummer" else st.integers(1, 31))
    if kind == "interimsnummer":
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 31))
        serial = draw(st.sampled_from(INTERIM_LETTERS)) + f"{draw(st.integers(0, 99)):02d}"
    else:
        serial = f"{draw(st.integers(0, 999)):03d}"
    yymmdd = f"{year % 100:02d}{month:02d}{day:02d}"
    check = luhn_digit(yymmdd + serial)
    twelve = draw(st.booleans())
    separator = draw(st.sampled_from(["", *SEPARATORS]))
    if not check_digit_right:
        check = str((int(check) + draw(st.integers(1, 9))) % 10)
        if not (twelve or separator):  # only a formatted number vouches for itself
            separator = "-"
    head = f"{year:04d}{month:02d}{day:02d}" if twelve else yymmdd
    zero = draw(st.sampled_from(DIGIT_ZEROS))
    written = (head + separator + serial + check).translate({48 + i: ord(zero) + i for i in range(10)})
    return Written(written, kind)


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=identity_numbers(), after=swedish_text())
def test_generated_number_is_found_with_its_kind_and_span(before: str, number: Written, after: str) -> None:
    text = before + number.text + after

    hits = find_identity_numbers(text)

    assert hits == [IdentityNumberHit(number.kind, len(before), len(before) + len(number.text))]
    assert number.text not in redact(text)


@PROPERTY_SETTINGS
@given(before=swedish_text(), number=identity_numbers(check_digit_right=False), after=swedish_text())
def test_formatted_number_with_wrong_check_digit_is_still_found(
    before: str, number: Written, after: str
) -> None:
    text = before + number.text + after

    assert [hit.kind for hit in find_identity_numbers(text)] == [number.kind]


@PROPERTY_SETTINGS
@given(text=swedish_text(), number=identity_numbers(), where=st.integers(1, 9))
def test_invisible_character_inside_number_does_not_hide_it(text: str, number: Written, where: int) -> None:
    broken = number.text[:where] + "\u200b" + number.text[where:]  # zero-width space from a paste

    [hit] = find_identity_numbers(text + broken)

    assert (hit.start, hit.end) == (len(text), len(text) + len(broken))


def digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def lit(value: str) -> st.SearchStrategy[str]:
    return st.just(value)


MOBILE = joined(lit("07"), st.sampled_from("02369"))
PHONES = st.one_of(
    joined(MOBILE, lit("-"), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(MOBILE, lit("-"), digits(7)),
    joined(MOBILE, lit(" "), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("+46 7"), digits(1), lit(" "), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("+46 (0)7"), digits(1), lit("-"), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(st.sampled_from(["+467", "00467"]), digits(8)),
    joined(lit("08-"), digits(3), lit(" "), digits(2), lit(" "), digits(2)),
    joined(lit("08-"), digits(3), lit(" "), digits(3), lit(" "), digits(2)),
    joined(lit("0"), digits(2), lit("-"), digits(2), lit(" "), digits(2), lit(" "), digits(2)),
)
# Organisation numbers: the "month" is 20 or more.
ORG_NUMBERS = joined(
    st.sampled_from(["", "16"]),
    digits(2),
    st.sampled_from("23456789"),
    digits(3),
    st.sampled_from(["-", ""]),
    digits(4),
)
SERVICENOW = joined(
    st.sampled_from(["INC", "RITM", "REQ", "CS", "CHG", "PRB", "TASK", "SCTASK", "KB"]), digits(7)
)
DATES = st.tuples(
    st.dates(date(1900, 1, 1)), st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%-d.%-m.%Y", "%Y%m%d"])
).map(lambda pair: pair[0].strftime(pair[1]))
TIMES = st.times().map(lambda time: time.strftime(" %H:%M"))
OTHER = st.one_of(
    joined(lit("SID-"), digits(4), lit("-"), digits(4)),
    joined(lit("P"), digits(6)),
    digits(8),
    joined(
        st.integers(1, 999).map(str),
        lit(" "),
        digits(3),
        lit(" "),
        digits(3),
        lit(","),
        digits(2),
        lit(" kr"),
    ),
    joined(digits(4), lit("-"), digits(4)),
    joined(digits(3), lit(" "), digits(2)),
    joined(lit("kl. "), digits(2), lit("."), digits(2)),
)
LOOK_ALIKES = st.one_of(PHONES, ORG_NUMBERS, SERVICENOW, DATES, joined(DATES, TIMES), OTHER)


@PROPERTY_SETTINGS
@given(before=swedish_text(), look_alike=LOOK_ALIKES, after=swedish_text())
def test_look_alike_is_never_flagged(before: str, look_alike: str, after: str) -> None:
    text = f"{before} {look_alike} {after}"

    assert find_identity_numbers(text) == []


@PROPERTY_SETTINGS
@given(yymmdd=digits(6), serial=digits(3), offset=st.integers(1, 9))
def test_unformatted_ten_digits_with_wrong_check_digit_is_never_flagged(
    yymmdd: str, serial: str, offset: int
) -> None:
    check = (int(luhn_digit(yymmdd + serial)) + offset) % 10

    assert find_identity_numbers(f"nummer {yymmdd}{serial}{check} tack") == []
