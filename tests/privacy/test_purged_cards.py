"""What the cards of a purged case show: a closed summary, never an identifier, no buttons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from cards.case_card import create_case_card
from cards.purged_cards import create_purged_case_card, create_purged_personal_card
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person
from domain.retention import purged_case

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KARIN = Person(id="29:karin", name="Karin Holm", aad_id="aad-karin")
BO = Person(id="29:bo", name="Bo Berg", aad_id="aad-bo")


def purged() -> Case:
    case = Case(
        id="caseid",
        number="SID-2026-0042",
        kind=CaseKind.B,
        organisation=Organisation(kind=OrgKind.MUNICIPALITY, name="Timrå"),
        patient_id="PATZ9911",
        episode_id="VTZ-77",
        submitter=BO,
        created_at=T0,
        updated_at=T0,
    )
    case.apply(Action.TAKE, KARIN, T0 + timedelta(hours=1))
    case.apply(Action.RECORD_ADDRESS_UPDATE, KARIN, T0 + timedelta(hours=2))
    case.apply(Action.REJECT_NOT_PROTECTED, KARIN, T0 + timedelta(hours=3), detail="PATZ9911 fel")
    return purged_case(case, T0 + timedelta(days=31))


def test_every_card_of_a_purged_case_is_a_closed_summary_without_identifiers():
    case = purged()
    cards = [
        create_purged_case_card(case, "sv-SE"),
        create_purged_personal_card(case, "sv-SE"),
        create_purged_case_card(case, "en-GB"),
        create_case_card(case, KARIN, [KARIN], T0 + timedelta(days=40), locale="sv-SE"),  # a refresh
    ]
    for card in cards:
        shown = json.dumps(card, ensure_ascii=False)
        assert "SID-2026-0042" in shown and "PATZ9911" not in shown and "VTZ-77" not in shown
        assert "actions" not in card and "refresh" not in card
    swedish = json.dumps(cards[0], ensure_ascii=False)
    assert "inte skyddad identitet" in swedish and "2026-03-02 12:00" in swedish  # outcome, ended (Stockholm)
    assert "Timrå" in swedish and "raderats" in swedish
    assert cards[3] == cards[0]
