"""Find Swedish personal identity numbers in free text, so the bot can refuse or mask them.

People with protected identity ("skyddad identitet") must never have their number in Teams, so
the bot refuses any message or card payload that holds one, and masks one in a name. Rules:

* Text is folded first (`domain.text_folding`: full-width and other Unicode digits, every dash,
  every space, invisible characters). Hits still point into the original text.
* A candidate is YY MM DD, then the last four (NNNC, or an interim letter and three digits),
  optionally with a century (18/19/20) before YY. Separators: ``-``, ``.``, ``/``, ``_``, ``\\``
  or spaces (up to two around each), and ``+`` before the last four. It must not be part of a
  longer digit run; adjacent letters are fine ("pnr:..." and "(...)" are found).
* Date: month 01-12 with day 01-31 is a personnummer; month 00-12 with day 60-91 is a
  samordningsnummer (Skatteverket's test numbers use month 00, day 60 and dates like 30 Feb,
  so the calendar is not checked). Month 20+ (organisation numbers) is never flagged. An
  interim letter (TRSUWXJKLMN, any case; counts as 1 in Luhn) makes it an "interimsnummer".
* The check digit C is Luhn (weights 2,1,2,...) over YYMMDDNNN. The classic shapes vouch for
  themselves, so a wrong check digit is a mistyped personnummer and still flagged: a compact date
  with a separator before the last four (``YYMMDD-NNNC``, ``YYMMDD.NNNC``, ``YYYYMMDD NNNC``;
  with a century only ``-``, ``+`` or a space) and twelve compact digits with a century.
* Weaker shapes are flagged only with the right check digit: ten compact digits (a phone number
  or an ID), and the separator families — date parts apart (``YY-MM-DD-NNNC``, ``YYMM DD NNNC``,
  ``YYYY.MM.DD NNNC``; needs a separator before the last four too), a split serial after a
  compact date (``YYMMDDNN NC``, ``YYMMDD-NNN C``), and all pairs with one separator
  (``YY MM DD NN NC``). A family member chained to more digits (``2026-11-30 1430-1500``, a
  digit group in front) is something else. Phone groupings (``0611-12 34 56``,
  ``08-12 34 56 78``) mix a split date with a split serial and are not a family.
* Judgement calls, accepted on purpose (README lists them, measured by
  bench/guard_false_positives.py): compact timestamps (``YYYYMMDDHHMM``), six digits, a
  separator and four (``123456.7890``) when the six read as a date, and about one in ten dates
  followed by a four-digit number (``2026-11-30 1430``, ``YYYYMMDD_HHMM``) are refused.

Why not a library: python-stdnum's ``se.personnummer`` rejects every samordningsnummer, and
``personnummer`` 3.2.1 rejects the month-00/day-60 test numbers and spaces as separators;
neither scans free text, gives offsets or knows interim numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from domain.text_folding import fold

Kind = Literal["personnummer", "samordningsnummer", "interimsnummer"]
NAME_MASK = "[dold]"


@dataclass(frozen=True, slots=True)
class IdentityNumberHit:
    """Where an identity number sits in the scanned text; never holds the digits."""

    kind: Kind
    start: int
    end: int


# Separators are possessive (never given back): what follows one is always a digit, so
# backtracking into them could not help, and without it digit-heavy text scans 3x faster.
# Each may match nothing; the classification reads an empty group as "no separator".
_SPACE = r"[ \t]"
_INNER = rf"{_SPACE}{{0,2}}+[-./_\\]{{0,2}}+{_SPACE}{{0,2}}+"  # between parts; may be empty
_BEFORE_TAIL = rf"{_SPACE}{{0,2}}+(?:[-./_\\]{{1,2}}+|\+)?+{_SPACE}{{0,2}}+"
_FIRST_OF_TAIL = "[0-9TRSUWXJKLMNtrsuwxjklmn]"


def _candidate(year: str) -> re.Pattern[str]:
    # The leading (?=[0-9]) lets the regex engine skip ahead to digits (3x faster than without);
    # the lookarounds keep the number out of longer digit runs. Month 00-12 and day 01-31 or
    # 60-91 are checked here too, so phone numbers and dates fail early (Python says which).
    return re.compile(
        rf"(?=[0-9])(?<![0-9])(?P<year>{year})(?P<s1>{_INNER})(?P<month>0[0-9]|1[0-2])"
        rf"(?P<s2>{_INNER})(?P<day>0[1-9]|[12][0-9]|3[01]|[6-8][0-9]|9[01])(?P<sep>{_BEFORE_TAIL})"
        rf"(?P<tail>{_FIRST_OF_TAIL}(?:[0-9]{{3}}|(?P<t1>{_INNER})[0-9]{{3}}"
        rf"|[0-9](?P<t2>{_INNER})[0-9]{{2}}|[0-9]{{2}}(?P<t3>{_INNER})[0-9]))(?![0-9])"
    )


# One pass: the year is greedy (century first) and backtracks; when Python refuses the
# twelve-digit reading, the ten-digit one is tried at the same place.
_CANDIDATE = _candidate("[0-9]{2}(?:[0-9]{2})?")
_TEN_DIGITS = _candidate("[0-9]{2}")
_CHAINED_BEFORE = re.compile(rf"[0-9](?:{_SPACE}{{1,2}}|{_SPACE}{{0,2}}[-./_\\]{{1,2}}{_SPACE}{{0,2}})\Z")
_CHAINED_AFTER = re.compile(r"[-./_\\][0-9]")
_CENTURIES = frozenset({"18", "19", "20"})
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _luhn_ok(ten: str) -> bool:
    total = 0
    for position, char in enumerate(ten[:9]):
        digit = 1 if char.isalpha() else ord(char) - 48  # an interim letter counts as 1
        total += _LUHN_DOUBLED[digit] if position % 2 == 0 else digit
    return (10 - total % 10) % 10 == ord(ten[9]) - 48


def _kind_of_date(yymmdd: str) -> Kind | None:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if 1 <= month <= 12 and 1 <= day <= 31:
        return "personnummer"
    if month <= 12 and 60 <= day <= 91:
        return "samordningsnummer"
    return None


def _separator(found: str) -> str:
    return found.strip() or " "


def _vouches(sep: str, year: str) -> bool:
    """Whether a compact date and the last four are a personnummer whatever the check digit:
    with a separator (a twelve-digit one only with the classic dash, plus or space, since
    ``YYYYMMDD_HHMM`` and ``YYYYMMDD.NNNN`` are file names and version numbers), or twelve
    compact digits with a century."""
    if not sep:
        return len(year) == 4
    return len(year) == 2 or _separator(sep) in {"-", "--", "+", " "}


def _is_family(match: re.Match[str], date_split: bool, serial_split: str | None) -> bool:
    """Whether a shape with separators inside the date or the serial is one people write."""
    if not serial_split:
        return bool(match["sep"])  # the date's parts apart, and apart from the last four
    if not date_split:
        return True  # a compact date and a split serial
    seps = (match["s1"], match["s2"], match["sep"], match["t2"])  # all pairs, one separator
    return all(seps) and len({_separator(s) for s in seps if s}) == 1


def _classify(match: re.Match[str]) -> tuple[Kind, bool] | None:
    """The kind, and whether it is a separator family (then the caller checks chaining)."""
    year = match["year"]
    if len(year) == 4 and year[:2] not in _CENTURIES:
        return None
    yymmdd = year[-2:] + match["month"] + match["day"]
    kind = _kind_of_date(yymmdd)
    if kind is None:
        return None
    raw_tail = match["tail"]
    tail = raw_tail[0] + "".join(c for c in raw_tail[1:] if c.isdigit())
    if tail[0].isalpha():
        kind = "interimsnummer"
    serial_split = match["t1"] or match["t2"] or match["t3"]
    date_split = bool(match["s1"] or match["s2"])
    if not (date_split or serial_split):
        return (kind, False) if _vouches(match["sep"], year) or _luhn_ok(yymmdd + tail) else None
    if _is_family(match, date_split, serial_split) and _luhn_ok(yymmdd + tail):
        return kind, True
    return None


def _chained(folded: str, start: int, end: int) -> bool:
    return bool(_CHAINED_BEFORE.search(folded, max(0, start - 6), start)) or bool(
        _CHAINED_AFTER.match(folded, end)
    )


def _iter_spans(folded: str) -> Iterator[tuple[Kind, int, int]]:
    position = 0
    while (match := _CANDIDATE.search(folded, position)) is not None:
        found = _classify(match)
        if found is None and len(match["year"]) == 4:
            ten = _TEN_DIGITS.match(folded, match.start())
            if ten is not None and (found := _classify(ten)) is not None:
                match = ten
        if found is not None and not (found[1] and _chained(folded, match.start(), match.end())):
            yield found[0], match.start(), match.end()
            position = match.end()
        else:
            position = match.start() + 1  # a refused reading may hide a number that overlaps it


def _iter_hits(text: str) -> Iterator[IdentityNumberHit]:
    folded, points, shifts = fold(text)
    for kind, start, end in _iter_spans(folded):
        last = end - 1
        start += shifts[bisect_right(points, start) - 1]
        last += shifts[bisect_right(points, last) - 1]
        yield IdentityNumberHit(kind, start, last + 1)


def find_identity_numbers(text: str) -> list[IdentityNumberHit]:
    """Find every personnummer, samordningsnummer and interim number in free text.

    Args:
        text: Any text, e.g. a chat message.

    Returns:
        The hits in order, with offsets into `text` itself (not its normalised form).
    """
    return list(_iter_hits(text))


def contains_identity_number(text: str) -> bool:
    """Tell whether `text` holds any identity number; stops at the first one."""
    return next(_iter_hits(text), None) is not None


def redact(text: str, mask: str = "[personnummer borttaget]") -> str:
    """Replace every identity number in `text` with `mask`.

    Args:
        text: Any text, e.g. a message about to be logged.
        mask: What each number is replaced with.

    Returns:
        `text` with each hit's span, separators and all, replaced.
    """
    parts: list[str] = []
    last = 0
    for hit in _iter_hits(text):
        parts += (text[last : hit.start], mask)
        last = hit.end
    parts.append(text[last:])
    return "".join(parts)


def scan_value(value: object) -> IdentityNumberHit | None:
    """Find the first identity number in a card's `value`/`data` payload.

    Walks dicts (string keys and values), lists, tuples and sets depth first, without recursion
    so a deeply nested payload cannot blow the stack. Ints (and whole floats) are scanned as their
    decimal form, zero-padded to 10 digits because a number field drops the zero of a 2000s year.

    Args:
        value: A JSON-like value.

    Returns:
        The first hit, offsets into the string (or padded int) it was found in; None if clean.
    """
    stack: list[object] = [value]
    while stack:
        item = stack.pop()
        hit: IdentityNumberHit | None = None
        if isinstance(item, str):
            hit = next(_iter_hits(item), None)
        elif isinstance(item, int) and not isinstance(item, bool):
            hit = next(_iter_hits(str(abs(item)).zfill(10)), None)
        elif isinstance(item, float) and item.is_integer():  # JSON numbers may arrive as 8.1e9
            stack.append(int(item))
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                stack.append(child)
                if isinstance(key, str):
                    stack.append(key)
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
        elif isinstance(item, (set, frozenset)):
            stack.extend(item)
        if hit is not None:
            return hit
    return None


def mask_name(name: str) -> str:
    """A display name with every identity number replaced by `NAME_MASK` ("Anna [dold]").

    Names are masked, not refused: a person whose Teams name holds a number must still be able
    to use the bot, and the number must never reach a case, an audit entry, a card or a log.
    """
    return redact(name, mask=NAME_MASK)
