"""Find Swedish personal identity numbers in free text, so the bot can refuse them.

People with protected identity ("skyddad identitet") must never have their number in Teams, so
the bot refuses any message or card payload that holds one. Rules implemented:

* Text is normalised first: NFKC (full-width digits), every Unicode decimal digit to ASCII
  (Arabic-Indic...), every dash (Unicode "Pd" and the minus sign) to ``-``, every space (NFKC:
  no-break, narrow no-break, thin...) to a space, and invisible format characters (soft hyphen,
  zero-width space) dropped. Hits still point into the original text.
* Shapes: ``YYMMDD?NNNC`` and ``YYYYMMDD?NNNC`` with ``?`` one of ``-``, ``+``, a space, a spaced
  dash or nothing, century 18/19/20; and ``YYYY-MM-DD-NNNC``. The number must not be part of a
  longer digit run; adjacent letters are fine ("pnr:..." and "(...)" are found).
* Date: month 01-12 with day 01-31 is a personnummer; month 00-12 with day 60-91 is a
  samordningsnummer (Skatteverket's test numbers use month 00, day 60 and dates like 30 Feb,
  so the calendar is not checked). Month 20+ (organisation numbers) is never flagged.
* Interim numbers ``YYMMDD-Xnnn`` (X in TRSUWXJKLMN, any case; the letter counts as 1 in Luhn)
  are flagged as "interimsnummer".
* Check digit C is Luhn (weights 2,1,2,...) over YYMMDDNNN. It decides only where the shape is
  weak: an unformatted 10-digit run (a phone number or an ID) and ``YYYY-MM-DD-NNNN`` (a date
  followed by a number) are flagged only when the check digit is right. A number with a
  separator before the last four, or 12 digits starting with a century, is flagged even with a
  wrong check digit: it is a mistyped personnummer. Judgement calls, accepted on purpose:
  a compact timestamp ``YYYYMMDDHHMM`` and an unformatted mobile number that happens to pass
  Luhn and look like a date (``07MMDDNNNC``, someone born 2007 has the same shape) are refused.

Why not a library: python-stdnum's ``se.personnummer`` rejects every samordningsnummer, and
``personnummer`` 3.2.1 rejects the month-00/day-60 test numbers and spaces as separators;
neither scans free text, gives offsets or knows interim numbers.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["personnummer", "samordningsnummer", "interimsnummer"]


@dataclass(frozen=True, slots=True)
class IdentityNumberHit:
    """Where an identity number sits in the scanned text; never holds the digits."""

    kind: Kind
    start: int
    end: int


# One pass over the normalised text. The 6-or-8 digit date is greedy and backtracks, so one
# branch covers both widths; the lookarounds keep the number out of longer digit runs. The
# leading (?=[0-9]) lets the regex engine skip ahead to digits (3x faster than without).
_CANDIDATE = re.compile(
    r"(?=[0-9])(?<![0-9])(?:"
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})-(?P<dashed_tail>[0-9]{4})"
    r"|(?P<date>[0-9]{6}(?:[0-9]{2})?)(?P<sep> ?[-+] ?| )?"
    r"(?P<tail>[0-9]{4}|[TRSUWXJKLMNtrsuwxjklmn][0-9]{3})"
    r")(?![0-9])"
)
_CENTURIES = frozenset({"18", "19", "20"})
_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def _fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Pd" or char == "\u2212":
        return "-"
    if category == "Cf":  # soft hyphen, zero-width space: invisible, but split a pasted number
        return ""
    folded = unicodedata.normalize("NFKC", char)  # also makes every Unicode space a plain space
    return "".join(str(unicodedata.digit(c)) if c.isdecimal() else c for c in folded)


# Text made only of these folds to itself (tested), so most Swedish messages skip folding.
_NEEDS_FOLDING = re.compile(r"[^\x00-\x7f\u00c0-\u00ff\u2018-\u201f]")


class _FoldTable(dict[int, str]):
    """A `str.translate` table filled on first sight: chat text reuses few distinct characters."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if len(self) < 20_000:  # bounded: a hostile message could cycle through all of Unicode
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Normalise `text`, with the way back: folded index i is original i + shifts[k], where
    points[k] is the last point <= i. Only characters that fold to other than one character
    add points, so a megabyte of text costs a Python step per emoji, not per character."""
    points, shifts = [0], [0]
    first = _NEEDS_FOLDING.search(text)
    if first is None:
        return text, points, shifts
    folded = text.translate(_FOLD_TABLE)
    for match in _NEEDS_FOLDING.finditer(text, first.start()):
        size = len(_FOLD_TABLE[ord(match.group())])
        if size == 1:
            continue
        index = match.start()
        at = index - shifts[-1]  # where this character's folded form starts
        for piece in range(size):  # each piece maps to the character itself...
            points.append(at + piece)
            shifts.append(index - at - piece)
        points.append(at + size)  # ...and what follows maps past it
        shifts.append(index + 1 - at - size)
    return folded, points, shifts


def _luhn_ok(ten: str) -> bool:
    total = 0
    for position, char in enumerate(ten[:9]):
        digit = 1 if char.isalpha() else ord(char) - 48  # an interim letter counts as 1
        total += _LUHN_DOUBLED[digit] if position % 2 == 0 else digit
    return (10 - total % 10) % 10 == ord(ten[9]) - 48


def _classify(match: re.Match[str]) -> Kind | None:
    if match["dashed_tail"] is not None:
        # A date followed by four digits: only the check digit makes it a personnummer.
        date, tail = match["year"] + match["month"] + match["day"], match["dashed_tail"]
        strong_shape = False
    else:
        date, tail = match["date"], match["tail"]
        strong_shape = match["sep"] is not None or len(date) == 8
    if len(date) == 8:
        if date[:2] not in _CENTURIES:
            return None
        date = date[2:]
    month, day = int(date[2:4]), int(date[4:6])
    kind: Kind
    if 1 <= month <= 12 and 1 <= day <= 31:
        kind = "personnummer"
    elif month <= 12 and 60 <= day <= 91:
        kind = "samordningsnummer"
    else:
        return None
    if tail[0].isalpha():
        kind = "interimsnummer"
    return kind if strong_shape or _luhn_ok(date + tail) else None


def _iter_hits(text: str) -> Iterator[IdentityNumberHit]:
    folded, points, shifts = _fold(text)
    for match in _CANDIDATE.finditer(folded):
        kind = _classify(match)
        if kind is None:
            continue
        start, last = match.start(), match.end() - 1
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
