"""A held-out style corpus: written forms collected as people type and paste them, checked as
a whole rather than generated from the guard's own families.

Numbers are synthetic (check digits computed by tests/support/numbers.py). Each template is
filled with a personnummer, a samordningsnummer and an interim number, in several contexts.
"""

from __future__ import annotations

import pytest

from domain.identity_guard import find_identity_numbers, mask_name, redact
from tests.support.numbers import luhn_digit

FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def parts(century: str, date6: str, serial3: str) -> dict[str, str]:
    tail = serial3 + luhn_digit(date6 + serial3)
    return {"cc": century, "yy": date6[:2], "mm": date6[2:4], "dd": date6[4:], "tail": tail}


NUMBERS = [
    ("personnummer", parts("19", "630415", "238")),
    ("samordningsnummer", parts("20", "040675", "117")),  # day 15 + 60
    ("interimsnummer", parts("19", "781122", "R45")),
]

TEMPLATES = [
    "{yy}{mm}{dd} \u2013 {tail}",
    "{yy}.{mm}.{dd}.{tail}",
    "{yy}/{mm}/{dd}/{tail}",
    "{yy}_{mm}_{dd}_{tail}",
    "{cc}{yy}/{mm}/{dd} {tail}",
    "{cc}{yy}.{mm}.{dd}-{tail}",
    "{yy}{mm}{dd}\\{tail}",
    "{yy}\u00a0{mm}\u00a0{dd}\u00a0\u2013\u00a0{tail}",
    "{yy}{mm}{dd}\u2010{tail2a}\u2009{tail2b}",
    "{yy}{mm}{dd} {tail3} {tail1}",
    "{cc}{yy}{mm}{dd}{tail2a} {tail2b}",
    "{yy}{mm}{dd}--{tail}",
    "{yy}{mm}{dd} -- {tail}",
    "{yy}{mm}{dd} / {tail}",
    "{yy}{mm}{dd}\u2044{tail}",
    "{yy}\uff0e{mm}\uff0e{dd}\uff0d{tail}",
    "{cc}{yy}\u2010{mm}\u2010{dd}\u2010{tail}",
    "{yy}-{mm}-{dd} {tail}",
    "{yy} {mm} {dd}+{tail}",
    "{cc}{yy} {mm} {dd} {tail2a} {tail2b}",
    "{yy}-{mm}-{dd}-{tail2a}-{tail2b}",
    "{cc}{yy}{mm} {dd}-{tail}",
    "{yy}{mm}{dd}\t{tail}",
    "{yy}{mm}{dd}\u3000{tail}",
]
CONTEXTS = ["pnr: {}", "({})", "{}.", "Patient {}, tack", "«{}»", "\n{}\n", "id={}&x=1", "[{}]", "{}?"]


def written_forms() -> list[tuple[str, str]]:
    forms = []
    for kind, number in NUMBERS:
        fields = {
            **number,
            "tail1": number["tail"][3:],
            "tail3": number["tail"][:3],
            "tail2a": number["tail"][:2],
            "tail2b": number["tail"][2:],
        }
        for template in TEMPLATES:
            written = template.format(**fields)
            forms += [(kind, written), (kind, written.translate(FULL))]
    return forms


@pytest.mark.parametrize(("kind", "written"), written_forms())
def test_every_written_form_is_found_whole_in_every_context(kind: str, written: str) -> None:
    for context in CONTEXTS:
        text = context.format(written)
        start = text.index(written)
        hits = find_identity_numbers(text)
        assert [(h.kind, h.start, h.end) for h in hits] == [(kind, start, start + len(written))], text
        assert written not in redact(text)
        assert mask_name(f"Anna {written}") == "Anna [dold]"


LOOK_ALIKES = [
    "2026-11-30",
    "30/11/2026",
    "30.11.2026",
    "2026-11-30 14:30",
    "30.11.2026 kl. 14.30",
    "2026-11-30T14:30:00+01:00",
    "2026-11-30 14:30-15:30",
    "070-123 45 67",
    "070 123 45 67",
    "+46 70 123 45 67",
    "+46 (0)70-123 45 67",
    "0611-12 34 56",
    "0611-123 45",
    "08-12 34 56 78",
    "08-123 456 78",
    "0701-23 45 67",
    "556016-0680",
    "55 60 16-0680",
    "556016.0680",
    "16556016-0680",
    "INC0012345",
    "RITM0012345",
    "SID-2026-0001",
    "SID-2026-0001, SID-2026-0002",
    "14:30",
    "kl. 08.15",
    "v. 48",
    "852 33 Sundsvall",
    "1 234 567,00 kr",
    "5050-1055",
    "192.168.101.120",
    "version 2.1.10",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_pass(text: str) -> None:
    sentence = f"Se {text} i ärendet."
    assert find_identity_numbers(sentence) == []
    assert mask_name(f"Anna {text}") == f"Anna {text}"
