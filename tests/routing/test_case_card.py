"""The case card's JSON: what each viewer sees, what every button carries, Teams' limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cards import case_card as case_card_module
from cards.case_card import create_case_card, create_forwarded_card, create_refusal_card
from cards.case_verbs import REFRESH, VERBS
from domain.business_time import BusinessCalendar
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person, Status
from domain.reminders import ReminderPolicy, reminder_outlook
from messages import literal
from tests.routing.conftest import find_action, verbs_of

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3)
ANNA = Person(id="29:anna", name="Anna Lindqvist", aad_id="aad-anna")
KARIN = Person(id="29:karin", name="Karin Holm", aad_id="aad-karin")
LARS = Person(id="29:lars", name="Lars Ekström", aad_id="aad-lars")
ADMINS = [KARIN, LARS]


def make_case(
    kind: CaseKind = CaseKind.A, status: Status = Status.RECEIVED, assignee: Person | None = None
) -> Case:
    return Case(
        id="case-1",
        number="SID-2026-0007",
        kind=kind,
        organisation=Organisation(kind=OrgKind.MUNICIPALITY, name="Timrå"),
        patient_id="P12345",
        episode_id="VT-2026-77" if kind is CaseKind.B else None,
        submitter=ANNA,
        created_at=T0,
        updated_at=T0,
        status=status,
        assignee=assignee,
    )


def walked(case: Case, *steps: tuple[Action, Person, str]) -> Case:
    for action, actor, detail in steps:
        case.apply(action, actor, T0 + timedelta(minutes=len(case.events) + 1), detail=detail)
    return case


def all_actions(card: dict) -> list[dict]:
    found = []
    for action in card.get("actions", []):
        found.append(action)
        found.extend((action.get("card") or {}).get("actions", []))
    return [a for a in found if a["type"] == "Action.Execute"]


def texts(card: dict) -> str:
    return json.dumps(card, ensure_ascii=False)


def test_the_shared_card_shows_the_case_and_offers_only_taking_it():
    card = create_case_card(make_case(), None, ADMINS, NOW)
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Organisation"] == "Timrå kommun"
    assert facts["Patient ID"] == "P12345"
    assert facts["Inkom"] == "2026-11-25 10:00 (3 tim sedan)"  # Stockholm time, the age
    assert facts["Handläggare"] == "ingen ännu"
    assert "Ring anmälaren" in facts["Nästa steg"]
    assert "Vårdtillfällets ID" not in facts
    assert "SID-2026-0007" in card["body"][0]["text"] and "Typ A" in card["body"][1]["text"]
    assert verbs_of(card) == {"case.take"}


def test_the_submitter_is_mentioned_and_can_be_called_in_teams():
    card = create_case_card(make_case(), None, ADMINS, NOW)
    (mention,) = card["msteams"]["entities"]
    assert mention["text"] == "<at>Anna Lindqvist</at>" and mention["mentioned"]["id"] == "29:anna"
    assert "Anmält av <at>Anna Lindqvist</at>" in texts(card)
    assert "https://teams.microsoft.com/l/call/0/0?users=aad-anna" in texts(card)
    assert "bara per telefon" in texts(card)  # 3.3: the personnummer only by phone


def test_refresh_asks_teams_for_each_admins_own_view():
    card = create_case_card(make_case(), None, ADMINS, NOW)
    assert card["refresh"]["action"]["verb"] == REFRESH
    assert card["refresh"]["action"]["data"] == {"case_id": "case-1", "version": 0}
    assert card["refresh"]["userIds"] == ["29:karin", "29:lars"]


def test_refresh_names_at_most_60_users_and_the_card_stays_small():
    many = [Person(id=f"29:admin-{n}", name=f"Admin Nummer {n}") for n in range(100)]
    case = walked(
        make_case(CaseKind.B, assignee=None),
        (Action.TAKE, KARIN, ""),
        (Action.RECORD_ADDRESS_UPDATE, KARIN, ""),
        (Action.CONFIRM_PROTECTED, KARIN, ""),
        (Action.RECORD_PROCESS_CLOSED, KARIN, ""),
    )
    card = create_case_card(case, KARIN, many, NOW)
    assert len(card["refresh"]["userIds"]) == 60
    assert len(json.dumps(card).encode()) < 28 * 1024


def test_the_assignee_sees_the_next_steps_and_others_see_who_has_it():
    case = walked(make_case(), (Action.TAKE, KARIN, ""))
    mine = create_case_card(case, KARIN, ADMINS, NOW)
    assert verbs_of(mine) == {"case.record_call", "case.reassign", "case.unassign"}
    assert "Du har ärendet" in texts(mine)
    theirs = create_case_card(case, LARS, ADMINS, NOW)
    assert verbs_of(theirs) == {"case.take"}
    assert find_action(theirs, "case.take")["title"] == "Ta över"
    assert "**Karin Holm** har ärendet" in texts(theirs)


def test_type_b_has_no_phone_step_and_shows_the_care_episode():
    case = walked(make_case(CaseKind.B), (Action.TAKE, KARIN, ""))
    card = create_case_card(case, KARIN, ADMINS, NOW)
    assert "case.record_call" not in verbs_of(card)
    assert (
        find_action(card, "case.record_address_update")["title"]
        == "Sökt på vårdtillfällets ID, adress uppdaterad"
    )
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Vårdtillfällets ID"] == "VT-2026-77" and "Typ B" in texts(card)
    assert "bara per telefon" not in texts(card)


def test_sending_to_the_vendor_asks_for_a_servicenow_number_and_shows_the_request_text():
    case = walked(
        make_case(),
        (Action.TAKE, KARIN, ""),
        (Action.RECORD_CALL, KARIN, ""),
        (Action.RECORD_ADDRESS_UPDATE, KARIN, ""),
        (Action.CONFIRM_PROTECTED, KARIN, ""),
        (Action.RECORD_PROCESS_CLOSED, KARIN, ""),
    )
    card = create_case_card(case, KARIN, ADMINS, NOW, servicenow_pattern=r"INC\d{7}")
    (show,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard" and "leverantören" in a["title"]]
    sub = show["card"]
    request = sub["body"][1]
    assert request["type"] == "CodeBlock" and request["fallback"]["type"] == "TextBlock"
    assert "Patient ID: P12345" in request["codeSnippet"]
    assert "skyddad identitet" in request["codeSnippet"] and "raderas" in request["codeSnippet"]
    number = sub["body"][2]
    assert number["id"] == "servicenow" and number["isRequired"] and number["regex"] == r"^(?:INC\d{7})$"
    assert sub["actions"][0]["verb"] == "case.record_sent_to_vendor"


def test_not_protected_needs_a_reason_and_reassigning_offers_the_other_admins():
    case = walked(make_case(CaseKind.B), (Action.TAKE, KARIN, ""), (Action.RECORD_ADDRESS_UPDATE, KARIN, ""))
    card = create_case_card(case, KARIN, ADMINS, NOW)
    assert {"case.confirm_protected", "case.reject_not_protected"} <= verbs_of(card)
    reject = next(a for a in card["actions"] if a.get("title") == "Inte skyddad")
    assert reject["card"]["body"][0]["id"] == "reason" and reject["card"]["body"][0]["isRequired"]
    reassign = next(a for a in card["actions"] if a.get("title") == "Ge till annan")
    choices = reassign["card"]["body"][0]["choices"]
    assert choices == [{"title": "Lars Ekström", "value": "29:lars"}]  # not the assignee herself


@pytest.mark.parametrize("viewer", [None, KARIN, LARS])
def test_every_button_carries_the_case_id_and_the_cards_version(viewer):
    case = walked(make_case(), (Action.TAKE, KARIN, ""), (Action.RECORD_CALL, KARIN, ""))
    case.version = 3  # as the repository left it: filed, then two actions
    card = create_case_card(case, viewer, ADMINS, NOW)
    for action in all_actions(card):
        assert action["data"] == {"case_id": "case-1", "version": 3}
        assert action["verb"] in VERBS


def test_the_history_is_short_in_stockholm_time_and_never_shows_patient_ids_or_reasons():
    case = make_case(CaseKind.B)
    steps = [(Action.TAKE, KARIN), (Action.UNASSIGN, KARIN), (Action.TAKE, LARS), (Action.UNASSIGN, LARS)]
    for action, actor in [*steps, (Action.TAKE, KARIN), (Action.RECORD_ADDRESS_UPDATE, KARIN)]:
        case.apply(action, actor, T0 + timedelta(minutes=len(case.events) + 1))
    case.apply(
        Action.REJECT_NOT_PROTECTED, KARIN, T0 + timedelta(hours=1), detail="Patient P12345 saknar markering"
    )
    card = create_case_card(case, KARIN, ADMINS, NOW)
    history = [b["text"] for b in card["body"] if b.get("size") == "small" and "·" in b.get("text", "")]
    assert len(history) == 5
    assert (
        history[-1]
        == "2026-11-25 11:00 · Karin Holm · avslutade ärendet: patienten har inte skyddad identitet"
    )
    assert not any("P12345" in line or "VT-2026-77" in line for line in history)
    remembered = repr(case_card_module._LINES)  # the lines kept for the next card, and their keys
    assert "P12345" not in remembered and "saknar markering" not in remembered


def test_a_final_case_has_no_buttons_and_no_refresh_and_says_how_it_ended():
    case = make_case(status=Status.WITHDRAWN)
    card = create_case_card(case, KARIN, ADMINS, NOW)
    assert "actions" not in card and "refresh" not in card
    assert "Tillbakadraget av anmälaren" in texts(card)
    assert "teams.microsoft.com/l/call" not in texts(card)


def test_a_municipal_case_awaiting_forwarding_offers_only_forwarding():
    card = create_case_card(make_case(status=Status.AWAITING_FORWARD), None, ADMINS, NOW)
    assert verbs_of(card) == {"case.forward"} and "refresh" not in card


def test_english_viewers_get_english_but_the_vendor_request_stays_swedish():
    case = walked(
        make_case(CaseKind.B),
        (Action.TAKE, KARIN, ""),
        (Action.RECORD_ADDRESS_UPDATE, KARIN, ""),
        (Action.CONFIRM_PROTECTED, KARIN, ""),
        (Action.RECORD_PROCESS_CLOSED, KARIN, ""),
    )
    card = create_case_card(case, KARIN, ADMINS, NOW, locale="en-GB")
    assert "Case SID-2026-0007" in texts(card) and "Sent to the vendor" in texts(card)
    assert "All information om patienten ska därför raderas" in texts(card)


def test_forwarded_and_refusal_cards_show_nothing_of_the_patient():
    case = make_case()
    assert "P12345" not in texts(create_forwarded_card(case))
    refusal = create_refusal_card("not_admin")
    assert "Inte tillåtet" in texts(refusal) and "actions" not in refusal


def test_the_card_shows_what_is_overdue_and_when_the_next_reminder_goes_out():
    calendar, policy, case = BusinessCalendar(), ReminderPolicy(), make_case()
    fresh = create_case_card(case, None, ADMINS, T0, outlook=reminder_outlook(case, T0, calendar, policy))
    assert "nästa" in texts(fresh) and "försenat" not in texts(fresh)
    late = T0 + timedelta(days=2)
    overdue = create_case_card(
        case, None, ADMINS, late, outlook=reminder_outlook(case, late, calendar, policy)
    )
    assert "försenat" in texts(overdue) and "arbetstimmar" in texts(overdue)


def test_type_b_has_no_call_button_and_says_the_episode_was_documented_per_routine():
    card = create_case_card(make_case(CaseKind.B), None, ADMINS, NOW)
    assert "teams.microsoft.com/l/call" not in texts(card) and "Ring " not in texts(card)
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert "dokumenterat enligt verksamhetens rutin (4.1/4.2)" in facts["Vårdtillfället"]
    assert "Vårdtillfället" not in {
        f["title"] for f in create_case_card(make_case(), None, ADMINS, NOW)["body"][2]["facts"]
    }


def test_the_call_link_uses_the_upn_when_teams_gave_it():
    case = make_case().model_copy(update={"submitter": ANNA.model_copy(update={"upn": "anna.l@rvn.example"})})
    card = create_case_card(case, None, ADMINS, NOW)
    assert "https://teams.microsoft.com/l/call/0/0?users=anna.l@rvn.example" in texts(card)


def test_a_case_filed_a_moment_ago_says_nyss():
    card = create_case_card(make_case(), None, ADMINS, T0 + timedelta(seconds=20))
    facts = {f["title"]: f["value"] for f in card["body"][2]["facts"]}
    assert facts["Inkom"] == "2026-11-25 10:00 (nyss)"
    later = create_case_card(make_case(), None, ADMINS, T0 + timedelta(minutes=12))
    assert "(12 min sedan)" in texts(later)


def test_the_vendors_confirmation_is_the_last_click():
    case = walked(
        make_case(CaseKind.B),
        (Action.TAKE, KARIN, ""),
        (Action.RECORD_ADDRESS_UPDATE, KARIN, ""),
        (Action.CONFIRM_PROTECTED, KARIN, ""),
        (Action.RECORD_PROCESS_CLOSED, KARIN, ""),
        (Action.RECORD_SENT_TO_VENDOR, KARIN, "INC0012345"),
    )
    waiting = create_case_card(case, KARIN, ADMINS, NOW)
    assert (
        find_action(waiting, "case.record_vendor_confirmed")["title"] == "Leverantören har raderat – avsluta"
    )
    assert "när du registrerar bekräftelsen avslutas ärendet" in texts(waiting)
    closed = create_case_card(walked(case, (Action.RECORD_VENDOR_CONFIRMED, KARIN, "")), KARIN, ADMINS, NOW)
    assert "actions" not in closed and "Avslutat – leverantören har raderat" in texts(closed)


MARKUP_NAMES = ["[Klicka här](https://evil.example)", "**Chef**", "<at>Karin Holm</at>"]


@pytest.mark.parametrize("name", MARKUP_NAMES)
def test_display_names_are_text_never_markup(name):
    odd = Person(id="29:odd", name=name, aad_id="aad-odd")
    case = make_case().model_copy(update={"submitter": odd})
    case = walked(case, (Action.TAKE, odd, ""))
    for viewer in (None, LARS):
        card = create_case_card(case, viewer, ADMINS, NOW)
        shown = [b.get("text", "") for b in card["body"]] + [f["value"] for f in card["body"][2]["facts"]]
        assert not any(name in line for line in shown), shown  # never the raw markup
        assert any(literal(name) in line for line in shown)
        (mention,) = card["msteams"]["entities"]
        assert mention["text"] == f"<at>{literal(name)}</at>" and mention["mentioned"]["name"] == name
