"""Synthetic identity numbers for tests: computed here, never real people's."""

from __future__ import annotations


def luhn_digit(nine: str) -> str:
    """Check digit over YYMMDDNNN (weights 2,1,2,...); an interim number's letter counts as 1."""
    total = 0
    for position, char in enumerate(nine):
        digit = 1 if char.isalpha() else int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def personnummer(date6: str, serial3: str, *, separator: str = "-", century: str = "") -> str:
    """YYMMDD + serial + Luhn digit, formatted; day + 60 gives a samordningsnummer."""
    return f"{century}{date6}{separator}{serial3}{luhn_digit(date6 + serial3)}"
