"""Table tests for the identity-number guard.

Every number here is synthetic: built from a date and a serial, with the check digit computed by
`luhn_digit` below, never copied from a real person.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from domain.identity_guard import (
    IdentityNumberHit,
    Kind,
    contains_identity_number,
    find_identity_numbers,
    redact,
    scan_value,
)
from domain.text_folding import NEEDS_FOLDING, fold_char
from tests.support.numbers import luhn_digit


def number(date: str, serial: str) -> tuple[str, str]:
    """Return (YYMMDD, NNNC) for a 6-digit date and a 3-character serial."""
    return date, serial + luhn_digit(date + serial)


def wrong(last_four: str) -> str:
    return last_four[:3] + str((int(last_four[3]) + 1) % 10)


def script(text: str, zero: str) -> str:
    """Rewrite ASCII digits in another digit script, given that script's zero."""
    return text.translate({ord("0") + i: ord(zero) + i for i in range(10)})


DATE, TAIL = number("411218", "987")  # 18 Dec 2041
COORD_DATE, COORD_TAIL = number("411278", "123")  # day 18 + 60
PNR = DATE + "-" + TAIL

# (written form, kind) — each form is the whole number as staff might type or paste it.
FORMATS: list[tuple[str, Kind]] = [
    (f"{DATE}-{TAIL}", "personnummer"),
    (f"{DATE}{TAIL}", "personnummer"),
    (f"{DATE}+{TAIL}", "personnummer"),
    (f"{DATE} {TAIL}", "personnummer"),
    (f"{DATE} - {TAIL}", "personnummer"),
    (f"{DATE}\u2013{TAIL}", "personnummer"),  # en dash
    (f"{DATE}\u2014{TAIL}", "personnummer"),  # em dash
    (f"{DATE}\u2212{TAIL}", "personnummer"),  # minus sign
    (f"{DATE}\u2010{TAIL}", "personnummer"),  # hyphen
    (f"{DATE}\u2011{TAIL}", "personnummer"),  # non-breaking hyphen
    (f"{DATE}\u00a0{TAIL}", "personnummer"),  # no-break space
    (f"{DATE}\u202f{TAIL}", "personnummer"),  # narrow no-break space
    (f"{DATE}\u2009{TAIL}", "personnummer"),  # thin space
    (f"{DATE}\u00ad{TAIL}", "personnummer"),  # soft hyphen from a word processor
    (f"{DATE[:3]}\u200b{DATE[3:]}-{TAIL}", "personnummer"),  # zero-width space
    (f"20{DATE}{TAIL}", "personnummer"),
    (f"20{DATE}-{TAIL}", "personnummer"),
    (f"19{DATE} {TAIL}", "personnummer"),
    (f"18{DATE}-{TAIL}", "personnummer"),
    (f"2041-12-18-{TAIL}", "personnummer"),
    (script(f"{DATE}-{TAIL}", "\uff10").replace("-", "\uff0d"), "personnummer"),  # full width
    (script(f"{DATE}-{TAIL}", "\u0660"), "personnummer"),  # Arabic-Indic
    (script(f"20{DATE}{TAIL}", "\u06f0"), "personnummer"),  # extended Arabic-Indic
    (script(f"{DATE} {TAIL}", "\u0966"), "personnummer"),  # Devanagari
    (f"{COORD_DATE}-{COORD_TAIL}", "samordningsnummer"),
    (f"{COORD_DATE}{COORD_TAIL}", "samordningsnummer"),
    (f"20{COORD_DATE}-{COORD_TAIL}", "samordningsnummer"),
    ("".join(number("410060", "123")), "samordningsnummer"),  # month 00, day 00 + 60
    ("-".join(number("410290", "456")), "samordningsnummer"),  # 30 Feb
    ("-".join(number("410491", "789")), "samordningsnummer"),  # 31 Apr
    ("-".join(number("411291", "321")), "samordningsnummer"),  # day 91
    (f"{DATE}-T987", "interimsnummer"),  # any check digit once formatted
    (f"{DATE}-t987", "interimsnummer"),
    (f"20{DATE}-X123", "interimsnummer"),
    ("".join(number(DATE, "K12")), "interimsnummer"),  # unformatted, Luhn-valid
    ("-".join(number("410060", "R12")), "interimsnummer"),
    *((f"{DATE}-{letter}555", "interimsnummer") for letter in "TRSUWXJKLMN"),
    (f"{DATE}-{wrong(TAIL)}", "personnummer"),  # mistyped check digit
    (f"{DATE} {wrong(TAIL)}", "personnummer"),
    (f"{DATE}+{wrong(TAIL)}", "personnummer"),
    (f"20{DATE}{wrong(TAIL)}", "personnummer"),  # 12 digits with a century
    (f"{COORD_DATE}-{wrong(COORD_TAIL)}", "samordningsnummer"),
    ("-".join(number("410231", "111")), "personnummer"),  # 31 Feb: calendar not checked
]

CONTEXTS = [
    "{}",
    "({})",
    "pnr:{}",
    "Pnr {}",
    "Personnummer: {}.",
    "{} är patientens nummer",
    "Patienten har skyddad identitet, nummer {}",
    "Vårdtillfället gäller {}, se journalen.",
    "«{}»",
    "rad ett\n{}\nrad två",
    "Åsa skrev {} i ärendet; är det rätt?",
]


@pytest.mark.parametrize(("written", "kind"), FORMATS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_finds_number_in_every_format_and_context(written: str, kind: Kind, context: str) -> None:
    text = context.format(written)
    start = text.index(written)

    assert find_identity_numbers(text) == [IdentityNumberHit(kind, start, start + len(written))]
    assert contains_identity_number(text)


@pytest.mark.parametrize(("written", "kind"), FORMATS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_redact_leaves_no_digit_of_the_number(written: str, kind: str, context: str) -> None:
    redacted = redact(context.format(written))

    assert "[personnummer borttaget]" in redacted
    assert not re.search(r"\d", redacted)  # the contexts hold no other digits


def test_unformatted_ten_digits_with_wrong_check_digit_is_not_flagged() -> None:
    assert find_identity_numbers(f"ring {DATE}{wrong(TAIL)}") == []


def test_dashed_date_needs_the_right_check_digit() -> None:
    assert find_identity_numbers(f"2041-12-18-{wrong(TAIL)}") == []


def test_unformatted_interim_needs_the_right_check_digit() -> None:
    date, tail = number(DATE, "K12")
    assert find_identity_numbers(date + wrong(tail)) == []


def test_finds_several_numbers_in_order() -> None:
    text = f"{PNR} och {COORD_DATE}-{COORD_TAIL}"

    kinds = [hit.kind for hit in find_identity_numbers(text)]

    assert kinds == ["personnummer", "samordningsnummer"]
    assert redact(text, mask="X") == "X och X"


def test_hit_holds_offsets_only_never_the_digits() -> None:
    assert [field.name for field in dataclasses.fields(IdentityNumberHit)] == ["kind", "start", "end"]


def test_offsets_survive_characters_that_fold_to_several() -> None:
    text = f"\ufb01 \u2026 {PNR} \u2460"  # ligature, ellipsis, circled one all change length

    [hit] = find_identity_numbers(text)

    assert text[hit.start : hit.end] == PNR


def test_offsets_cover_a_character_folded_into_several_digits() -> None:
    # "¼" folds to "1⁄4" and a circled 21-35 to two digits: a hit can start or end inside one.
    starts_inside = "\u00bc" + DATE[1:] + "-" + TAIL  # DATE starts with 4
    date, tail = next(
        number(DATE, f"9{d}2") for d in "0123456789" if not number(DATE, f"9{d}2")[1].endswith("0")
    )
    ends_inside = f"{date}-{tail[:2]}" + chr(0x3251 + int(tail[2:]) - 21)  # circled number 21

    for text in (starts_inside, ends_inside):
        assert find_identity_numbers(text) == [IdentityNumberHit("personnummer", 0, len(text))]


LOOK_ALIKES = [
    "070-123 45 67",
    "070-1234567",
    "0701234567",  # its check digit is wrong; a Luhn-valid one would be flagged
    "+46 70 123 45 67",
    "+46 (0)70-123 45 67",
    "0046701234567",
    "+46701234567",
    "08-123 456 78",
    "2026-11-25",
    "25/11/2026",
    "2026-11-25 14:30",
    "kl. 14.30",
    "20261125",
    "556016-0680",
    "802481-1658",
    "5560160680",
    "16556016-0680",
    "INC0012345",
    "RITM0012345",
    "CS0012345",
    "SID-2026-0001",
    "P123456",
    "12345678",
    "1 234 567,00 kr",
    "5050-1055",
    "852 33",
    f"{DATE}-{TAIL}5",  # part of a longer run
    f"1{DATE}{TAIL}",
    f"19{DATE}{TAIL}12",
    f"411200-{TAIL}",  # day 00
    f"411300-{TAIL}",  # month 13
    f"410032-{TAIL}",  # day 32
    f"410192-{TAIL}",  # day 92
    f"17{DATE}-{TAIL}",  # no such century
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_is_not_flagged(text: str) -> None:
    sentence = f"Ärende {text} gäller vårdtillfälle på avdelningen"

    assert find_identity_numbers(sentence) == []
    assert not contains_identity_number(sentence)
    assert redact(sentence) == sentence


def test_text_without_numbers_is_returned_unchanged() -> None:
    assert redact("Hej! Skyddad identitet 🙂") == "Hej! Skyddad identitet 🙂"


@pytest.mark.parametrize(
    "value",
    [
        PNR,
        {"comment": f"pnr {PNR}"},
        {"case": {"notes": ["ok", ("fine", {"deep": PNR})]}},
        {PNR: "a key counts too"},
        [1, 2.5, None, True, {"x": {PNR}}],
        int(DATE + TAIL),
        float(DATE + TAIL),
        {"pnr": int("20" + DATE + TAIL)},
        int("".join(number("051218", "987"))),  # a number field dropped the leading zero
    ],
)
def test_scan_value_finds_number_in_payload(value: object) -> None:
    assert scan_value(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        float("nan"),
        float("inf"),
        1764115200,
        "hej",
        {"a": ["b", {"c": 42}]},
        {7: "sju"},
        [],
        {},
    ],
)
def test_scan_value_passes_clean_payload(value: object) -> None:
    assert scan_value(value) is None


def test_scan_value_returns_the_first_hit_depth_first() -> None:
    value = {"first": [f"x {COORD_DATE}-{COORD_TAIL}"], "second": PNR}

    assert scan_value(value) == IdentityNumberHit("samordningsnummer", 2, 13)


def test_scan_value_survives_deep_nesting() -> None:
    value: object = PNR
    for _ in range(10_000):
        value = [value]

    assert scan_value(value) is not None


def test_characters_that_skip_normalisation_fold_to_themselves() -> None:
    skipped = [chr(code) for code in range(0x3000) if not NEEDS_FOLDING.match(chr(code))]

    assert [char for char in skipped if fold_char(char) != char] == []
