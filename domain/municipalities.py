"""The county's municipalities: a stable name for storage and routing, a display form for people,
and a forgiving match for what people type.

A case stores the short name ("Sundsvall"): MUNICIPAL_CHANNELS and stored cases key on it, so a
corrected display form never orphans a case. People read the official form ("Sundsvalls
kommun"): the genitive takes an -s except after a vowel or s/x/z (Timrå kommun, Kramfors kommun),
which holds for all seven; a deployment with an exception writes `Name=Display form`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_VOWELS = frozenset("aeiouyåäöé")
_SUFFIXES = (" kommun", " stad", " municipality")
# What people in Västernorrland actually call some places; keys and values are folded (see fold()).
_NICKNAMES = {"ovik": "ornskoldsvik", "o-vik": "ornskoldsvik", "o vik": "ornskoldsvik"}


@dataclass(frozen=True)
class Municipality:
    name: str  # stored on cases and used as the MUNICIPAL_CHANNELS key
    label: str  # what people read: "Sundsvalls kommun"


def default_label(name: str) -> str:
    """'Sundsvall' → 'Sundsvalls kommun', 'Timrå' → 'Timrå kommun'; a full form stays as it is."""
    if name.lower().endswith(_SUFFIXES[:2]):
        return name
    last = name[-1:].lower()
    genitive = name if last in _VOWELS or last in "sxz" else f"{name}s"
    return f"{genitive} kommun"


def parse_municipalities(entries: Iterable[str]) -> list[Municipality]:
    """`["Sundsvall", "Härnösand=Härnösands kommun"]`: a name, optionally with its display form."""
    found: list[Municipality] = []
    for entry in entries:
        name, _, label = entry.partition("=")
        name, label = name.strip(), label.strip()
        if name:
            found.append(Municipality(name=name, label=label or default_label(name)))
    return found


def genitive(label: str) -> str:
    """'Sundsvalls kommun' → 'Sundsvalls kommuns' (whose förvaltning)."""
    return label if label[-1:].lower() in "sxz" else f"{label}s"


def fold(answer: str) -> str:
    """Lower case, no diacritics, single spaces, no surrounding punctuation: 'Örnsköldsviks
    KOMMUN.' → 'ornskoldsviks kommun'."""
    decomposed = unicodedata.normalize("NFKD", answer.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split()).strip(" .,!?:;\"'()")


def _stem(folded: str) -> str:
    """Without 'kommun'/'stad', the genitive -s and hyphens: both 'sundsvalls' and 'sundsvall'
    become 'sundsvall'."""
    for suffix in (*_SUFFIXES, " kommuns", "kommun"):
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)].strip()
    folded = _NICKNAMES.get(folded, folded)
    return folded.rstrip("s").replace("-", " ")


def match_municipality(answer: str, options: Sequence[Municipality]) -> Municipality | None:
    """The municipality `answer` names: its number in the list, its name in any form people
    write ('Örnsköldsviks kommun', 'sundsvalls', 'Ornskoldsvik', 'Ö-vik'), or None."""
    folded = fold(answer)
    if re.fullmatch(r"\d{1,2}", folded):
        index = int(folded) - 1
        return options[index] if 0 <= index < len(options) else None
    wanted = _stem(folded)
    if not wanted:
        return None
    exact = [m for m in options if wanted in (_stem(fold(m.name)), _stem(fold(m.label)))]
    if exact:
        return exact[0]
    # A unique prefix of at least four letters: 'härnö', 'sollef'.
    prefixed = [m for m in options if len(wanted) >= 4 and _stem(fold(m.name)).startswith(wanted)]
    return prefixed[0] if len(prefixed) == 1 else None
