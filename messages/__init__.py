"""User-facing text: one catalogue per language, Swedish first.

`text(key, locale, **values)` picks English only when the Teams locale is English; every key
must exist in both catalogues (tests/unit/test_messages.py checks it).
"""

from __future__ import annotations

from messages import en, sv

CATALOGUES: dict[str, dict[str, str]] = {"sv": sv.MESSAGES, "en": en.MESSAGES}


def language(locale: str | None) -> str:
    """'en' for any English Teams locale (en-US, en-GB...), otherwise Swedish."""
    return "en" if (locale or "").lower().startswith("en") else "sv"


def text(key: str, locale: str | None, **values: object) -> str:
    template = CATALOGUES[language(locale)][key]
    return template.format(**values) if values else template
