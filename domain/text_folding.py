"""Fold look-alike characters to plain ASCII before scanning, with a map back to the original.

People paste identity numbers from word processors, PDFs and phones: full-width or other
Unicode digits, en dashes, no-break spaces, soft hyphens. The identity guard scans the folded
text and reports offsets into the text the user sent.
"""

from __future__ import annotations

import re
import unicodedata

_DASH_LIKE = frozenset("\u2212\u02d7\u2043")  # minus sign, modifier minus, hyphen bullet
_SLASH_LIKE = frozenset("\u2044\u2215")  # fraction slash, division slash (NFKC keeps both)


def fold_char(char: str) -> str:
    """One character's folded form: every dash to ``-``, invisible format characters dropped,
    NFKC (full-width forms, every Unicode space to a space) and every decimal digit to ASCII."""
    category = unicodedata.category(char)
    if category == "Pd" or char in _DASH_LIKE:
        return "-"
    if char in _SLASH_LIKE:
        return "/"
    if category == "Cf":  # soft hyphen, zero-width space: invisible, but split a pasted number
        return ""
    folded = unicodedata.normalize("NFKC", char)  # also makes every Unicode space a plain space
    return "".join(str(unicodedata.digit(c)) if c.isdecimal() else c for c in folded)


# Text made only of these folds to itself (tested), so most Swedish messages skip folding.
NEEDS_FOLDING = re.compile(r"[^\x00-\x7f\u00c0-\u00ff\u2018-\u201f]")


class _FoldTable(dict[int, str]):
    """A `str.translate` table filled on first sight: chat text reuses few distinct characters."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        if len(self) < 20_000:  # bounded: a hostile message could cycle through all of Unicode
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """Normalise `text`, with the way back: folded index i is original i + shifts[k], where
    points[k] is the last point <= i. Only characters that fold to other than one character
    add points, so a megabyte of text costs a Python step per emoji, not per character."""
    points, shifts = [0], [0]
    first = NEEDS_FOLDING.search(text)
    if first is None:
        return text, points, shifts
    folded = text.translate(_FOLD_TABLE)
    for match in NEEDS_FOLDING.finditer(text, first.start()):
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
