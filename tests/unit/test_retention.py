"""The retention policy: when a case is purged and what a purge leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.case import SYSTEM, Action, Case, CaseKind, Organisation, OrgKind, Person, Status
from domain.ports import AuditEntry
from domain.retention import ended_at, purge_due, purge_item_id, purged_audit_entry, purged_case

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KARIN = Person(id="29:karin", name="Karin Holm")
BO = Person(id="29:bo", name="Bo Berg")
DAYS_30 = timedelta(days=30)


def new_case(kind: CaseKind = CaseKind.B) -> Case:
    return Case(
        id="caseid",
        number="SID-2026-0001",
        kind=kind,
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id="PAT123",
        episode_id="VT-9" if kind is CaseKind.B else None,
        submitter=BO,
        submitter_phone="070-000 00 00",
        created_at=T0,
        updated_at=T0,
    )


def rejected(at: datetime = T0 + timedelta(hours=3)) -> Case:
    case = new_case()
    case.apply(Action.TAKE, KARIN, T0 + timedelta(hours=1))
    case.apply(Action.RECORD_ADDRESS_UPDATE, KARIN, T0 + timedelta(hours=2))
    case.apply(Action.REJECT_NOT_PROTECTED, KARIN, at, detail="PAT123 saknar markering")
    return case


def test_an_open_case_is_never_due_for_purging():
    case = new_case()
    case.apply(Action.TAKE, KARIN, T0)
    assert ended_at(case) is None and purge_due(case, DAYS_30) is None
    with pytest.raises(ValueError):
        purged_case(case, T0)


@pytest.mark.parametrize(
    ("final", "steps"),
    [
        (Status.REJECTED, [Action.TAKE, Action.RECORD_ADDRESS_UPDATE, Action.REJECT_NOT_PROTECTED]),
        (Status.WITHDRAWN, [Action.WITHDRAW]),
    ],
)
def test_the_purge_is_due_the_retention_period_after_the_final_event(final, steps):
    case = new_case()
    for hour, action in enumerate(steps, start=1):
        actor = BO if action is Action.WITHDRAW else KARIN
        case.apply(action, actor, T0 + timedelta(hours=hour), detail="skäl")
    assert case.status is final
    assert ended_at(case) == T0 + timedelta(hours=len(steps))
    assert purge_due(case, DAYS_30) == T0 + timedelta(hours=len(steps)) + DAYS_30
    assert purge_due(case, timedelta(0)) == ended_at(case)


def test_a_purge_blanks_identifiers_and_typed_text_and_keeps_the_audit_facts():
    case = rejected()
    purged = purged_case(case, T0 + DAYS_30)
    assert (purged.patient_id, purged.episode_id, purged.rejection_reason) == ("", None, "")
    assert purged.submitter_phone == "" and purged.purged_at == T0 + DAYS_30
    assert [e.detail for e in purged.events] == ["Karin Holm", "", ""]
    keep = ("id", "number", "kind", "organisation", "submitter", "created_at", "updated_at", "status")
    assert all(getattr(purged, f) == getattr(case, f) for f in keep)
    assert [(e.at, e.actor, e.action, e.status_after) for e in purged.events] == [
        (e.at, e.actor, e.action, e.status_after) for e in case.events
    ]
    assert case.patient_id == "PAT123"  # the input is left alone
    assert purge_due(purged, DAYS_30) is None  # purged once, never again
    assert purged_case(purged, T0 + DAYS_30 * 2).purged_at == T0 + DAYS_30


def test_a_servicenow_number_survives_the_purge():
    case = new_case()
    for action, detail in [
        (Action.TAKE, ""),
        (Action.RECORD_ADDRESS_UPDATE, ""),
        (Action.CONFIRM_PROTECTED, ""),
        (Action.RECORD_PROCESS_CLOSED, ""),
        (Action.RECORD_SENT_TO_VENDOR, "INC0012345"),
        (Action.RECORD_VENDOR_CONFIRMED, ""),
    ]:
        case.apply(action, KARIN, T0, detail=detail)
    purged = purged_case(case, T0)
    assert purged.servicenow_number == "INC0012345" and "INC0012345" in [e.detail for e in purged.events]


def test_audit_entries_lose_typed_reasons_only():
    reason = AuditEntry(case_id="c", at=T0, actor=KARIN, what="reject_not_protected", detail="PAT123")
    refused = AuditEntry(case_id="c", at=T0, actor=BO, what="refused", detail="not_admin:case.take")
    assert purged_audit_entry(reason).detail == ""
    assert purged_audit_entry(refused) == refused


def test_one_purge_item_per_case():
    assert purge_item_id("abc") == purge_item_id("abc") != purge_item_id("abd")


def test_the_vendors_close_notes_are_purged_like_typed_text():
    case = new_case()
    for action, actor, detail in [
        (Action.TAKE, KARIN, ""),
        (Action.RECORD_ADDRESS_UPDATE, KARIN, ""),
        (Action.CONFIRM_PROTECTED, KARIN, ""),
        (Action.RECORD_PROCESS_CLOSED, KARIN, ""),
        (Action.REQUEST_SERVICENOW, KARIN, ""),
        (Action.RECORD_SENT_TO_VENDOR, SYSTEM, "INC0010001"),
        (Action.RECORD_VENDOR_REPORT, SYSTEM, "PAT123 raderad"),
        (Action.RECORD_VENDOR_CONFIRMED, KARIN, ""),
    ]:
        case.apply(action, actor, T0, detail=detail)
    assert case.vendor_report == "PAT123 raderad"
    purged = purged_case(case, T0)
    assert "PAT123" not in purged.model_dump_json() and purged.servicenow_number == "INC0010001"
    notes = AuditEntry(case_id="c", at=T0, actor=SYSTEM, what="record_vendor_report", detail="PAT123")
    assert purged_audit_entry(notes).detail == ""
