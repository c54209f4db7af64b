"""User-facing text: one catalogue per language, Swedish first.

`text(key, locale, **values)` picks English only when the Teams locale is English; every key
must exist in both catalogues (tests/unit/test_messages.py checks it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from messages import en, sv

CATALOGUES: dict[str, dict[str, str]] = {"sv": sv.MESSAGES, "en": en.MESSAGES}


@lru_cache(maxsize=64)  # a card's texts ask ~30 times a click, with a handful of distinct locales
def language(locale: str | None) -> str:
    """'en' for any English Teams locale (en-US, en-GB...), otherwise Swedish."""
    return "en" if (locale or "").lower().startswith("en") else "sv"


def text(key: str, locale: str | None, **values: object) -> str:
    template = CATALOGUES[language(locale)][key]
    return template.format(**values) if values else template


# Characters that start markup in Teams' message markdown and Adaptive Card TextBlocks (links,
# emphasis, code, HTML such as <at>, entities); `-`/`+` only at the start (a list item).
_MARKUP = re.compile(r"([\\`*_\[\]<>~|&#])")


def literal(value: str) -> str:
    """A display name (or other text people typed) shown as text, never as markup.

    Teams renders markdown in messages and in Adaptive Card TextBlocks and FactSets, so a name
    like `[Klicka här](https://…)`, `**Chef**` or `<at>Karin</at>` would become a link, bold
    text or a mention. Backslash escapes (CommonMark) show it as typed; line breaks become
    spaces. Not for button titles and choice titles, which Teams shows as plain text already.
    """
    flat = " ".join(value.split())
    escaped = _MARKUP.sub(r"\\\1", flat)
    return "\\" + escaped if escaped[:1] in ("-", "+") else escaped
