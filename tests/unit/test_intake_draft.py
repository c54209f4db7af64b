from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.case import CaseKind, Organisation, OrgKind, Person
from domain.intake import IdFormat, IdProblem, IntakeDraft, Slot, check_identifier, clean_identifier
from tests.support.numbers import personnummer

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
REGION = Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
PATIENT_FORMAT = IdFormat(r"[A-Za-z0-9]{4,20}", "4–20 bokstäver eller siffror")


def test_draft_asks_fields_in_order_and_skips_episode_fields_for_type_a():
    draft = IntakeDraft.start(T0)
    asked = []
    answers = {
        Slot.ORGANISATION: REGION,
        Slot.HAS_EPISODE: False,
        Slot.PATIENT_ID: "P1234",
        Slot.PROTECTED: True,
    }
    while (slot := draft.next_slot()) is not None:
        asked.append(slot)
        setattr(draft, slot.value, answers[slot])
    assert asked == [Slot.ORGANISATION, Slot.HAS_EPISODE, Slot.PATIENT_ID, Slot.PROTECTED]
    assert draft.kind is CaseKind.A


def test_type_b_asks_documentation_before_ids_and_the_episode_id_after_the_patient_id():
    draft = IntakeDraft.start(T0, organisation=REGION)
    draft.has_episode = True
    assert draft.wanted_slots() == [
        Slot.ORGANISATION,
        Slot.HAS_EPISODE,
        Slot.DOCUMENTED,
        Slot.PATIENT_ID,
        Slot.EPISODE_ID,
        Slot.PROTECTED,
    ]


def test_changing_the_episode_answer_clears_the_episode_fields():
    draft = IntakeDraft.start(T0, organisation=REGION)
    draft.has_episode, draft.documented, draft.episode_id = True, True, "VT-1"
    draft.clear(Slot.HAS_EPISODE)
    assert draft.has_episode is None and draft.documented is None and draft.episode_id is None


def test_complete_draft_becomes_a_case_with_the_draft_id():
    draft = IntakeDraft.start(T0, organisation=REGION)
    draft.has_episode, draft.patient_id, draft.protected_confirmed = False, "P1234", True
    case = draft.to_case(Person(id="u", name="Anna"), T0)
    assert case.id == draft.draft_id and case.kind is CaseKind.A and case.episode_id is None


def test_incomplete_draft_cannot_become_a_case():
    with pytest.raises(ValueError, match="complete"):
        IntakeDraft.start(T0).to_case(Person(id="u", name="Anna"), T0)


def test_expiry():
    draft = IntakeDraft.start(T0)
    assert not draft.expired(T0 + timedelta(hours=23), timedelta(hours=24))
    assert draft.expired(T0 + timedelta(hours=25), timedelta(hours=24))


@pytest.mark.parametrize(
    ("raw", "value", "problem"),
    [
        ("  P1234  ", "P1234", None),
        ("Ｐ１２３４", "P1234", None),  # full-width
        ("P١٢٣٤", "P1234", None),  # Arabic-Indic digits
        ("", "", IdProblem.EMPTY),
        ("   ", "", IdProblem.EMPTY),
        ("P" * 80, "P" * 80, IdProblem.TOO_LONG),
        ("P-12", "P-12", IdProblem.BAD_FORMAT),
    ],
)
def test_check_identifier(raw, value, problem):
    assert check_identifier(raw, PATIENT_FORMAT) == (value, problem)


def test_a_personnummer_is_refused_even_when_the_pattern_would_accept_it():
    anything = IdFormat(r".*", "vad som helst")
    number = personnummer("121212", "121", separator="")
    assert check_identifier(number, anything) == ("", IdProblem.IDENTITY_NUMBER)


def test_clean_identifier_collapses_inner_whitespace():
    assert clean_identifier(" VT\u00a0 12 ") == "VT 12"


EPISODE_FORMAT = IdFormat(r"[A-Za-z0-9-]{3,30}", "3–30 bokstäver, siffror eller bindestreck")


def _dashed_pairs(date6: str, serial3: str) -> str:
    """A synthetic number with every date part apart: YY-MM-DD-NNNC."""
    ten = personnummer(date6, serial3, separator="")
    return "-".join([ten[:2], ten[2:4], ten[4:6], ten[6:]])


@pytest.mark.parametrize(
    "number",
    [
        _dashed_pairs("820630", "553"),  # the shape the episode pattern used to admit
        _dashed_pairs("820690", "553"),  # samordningsnummer (day 30 + 60)
        "19" + _dashed_pairs("820630", "553"),
        personnummer("820630", "553", separator="-"),
        personnummer("820630", "553", separator="", century="19"),
    ],
)
def test_the_episode_id_format_never_admits_an_identity_number(number):
    assert not EPISODE_FORMAT.matches(number)
    assert check_identifier(number, EPISODE_FORMAT) == ("", IdProblem.IDENTITY_NUMBER)


@pytest.mark.parametrize("value", ["VT-2026-0042", "2026-11-30", "A-12-34", "SID-2026-0001", "556016-0680"])
def test_the_episode_id_format_still_admits_look_alikes(value):
    assert EPISODE_FORMAT.matches(value)
    assert check_identifier(value, EPISODE_FORMAT) == (value, None)


def test_the_patient_id_format_never_admits_an_identity_number():
    assert not PATIENT_FORMAT.matches(personnummer("820630", "553", separator=""))
