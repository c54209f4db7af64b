"""Synthetic identity numbers for tests: computed here, never real people's."""

from __future__ import annotations


def luhn_digit(nine: str) -> str:
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def personnummer(date6: str, serial3: str, *, separator: str = "-", century: str = "") -> str:
    """YYMMDD + serial + Luhn digit, formatted; day + 60 gives a samordningsnummer."""
    return f"{century}{date6}{separator}{serial3}{luhn_digit(date6 + serial3)}"
