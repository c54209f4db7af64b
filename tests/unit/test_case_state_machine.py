"""The transition table, exhaustively: every (kind, status, action) either moves as the table
says or raises CaseError and changes nothing."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from domain.case import (
    FINAL_STATUSES,
    STEP_TRANSITIONS,
    SYSTEM,
    SYSTEM_ONLY,
    SYSTEM_TRANSITIONS,
    WITHDRAWABLE,
    Action,
    Case,
    CaseError,
    CaseKind,
    Organisation,
    OrgKind,
    Person,
    Status,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SUBMITTER = Person(id="29:anna", name="Anna Lindqvist")
ADMIN = Person(id="29:karin", name="Karin Holm")
OTHER_ADMIN = Person(id="29:lars", name="Lars Ekström")


def make_case(kind: CaseKind, status: Status, assignee: Person | None = ADMIN) -> Case:
    return Case(
        id="c1",
        number="SID-2026-0001",
        kind=kind,
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id="P12345",
        episode_id="VT-1" if kind is CaseKind.B else None,
        submitter=SUBMITTER,
        created_at=T0,
        updated_at=T0,
        status=status,
        assignee=assignee,
    )


DETAILS = {
    Action.RECORD_SENT_TO_VENDOR: "INC0012345",
    Action.REJECT_NOT_PROTECTED: "Ingen sekretessmarkering",
}
STEP_ACTIONS = sorted({action for table in STEP_TRANSITIONS.values() for _, action in table})
STEP_CASES = list(itertools.product(CaseKind, Status, STEP_ACTIONS))


@pytest.mark.parametrize(("kind", "status", "action"), STEP_CASES)
def test_step_actions_follow_the_table_exactly(kind, status, action):
    case = make_case(kind, status)
    expected = STEP_TRANSITIONS[kind].get((status, action))
    if expected is None or status in FINAL_STATUSES:
        before = case.model_copy(deep=True)
        with pytest.raises(CaseError):
            case.apply(action, ADMIN, T0, detail=DETAILS.get(action, ""))
        assert case == before
    else:
        event = case.apply(action, ADMIN, T0, detail=DETAILS.get(action, ""))
        assert case.status is expected is event.status_after
        assert case.events == [event]


def test_type_a_walks_every_step_of_3_3_in_order():
    case = make_case(CaseKind.A, Status.RECEIVED)
    for action in [
        Action.RECORD_CALL,
        Action.RECORD_ADDRESS_UPDATE,
        Action.CONFIRM_PROTECTED,
        Action.RECORD_PROCESS_CLOSED,
        Action.RECORD_SENT_TO_VENDOR,
        Action.RECORD_VENDOR_CONFIRMED,
    ]:
        assert action in case.allowed_actions(ADMIN)
        case.apply(action, ADMIN, T0, detail=DETAILS.get(action, ""))
    assert case.status is Status.CLOSED and case.servicenow_number == "INC0012345"


def test_the_vendors_confirmation_closes_the_case_without_a_further_click():
    case = make_case(CaseKind.B, Status.SENT_TO_VENDOR)
    event = case.apply(Action.RECORD_VENDOR_CONFIRMED, ADMIN, T0)
    assert event.status_after is Status.CLOSED and not case.is_open
    assert case.allowed_actions(ADMIN) == []


def test_a_case_stored_as_vendor_confirmed_before_that_rule_can_still_be_closed():
    case = make_case(CaseKind.A, Status.VENDOR_CONFIRMED)
    assert case.allowed_actions(ADMIN)[0] is Action.CLOSE
    case.apply(Action.CLOSE, ADMIN, T0)
    assert case.status is Status.CLOSED


def test_type_b_has_no_phone_call_step():
    case = make_case(CaseKind.B, Status.RECEIVED)
    assert Action.RECORD_CALL not in case.allowed_actions(ADMIN)
    with pytest.raises(CaseError, match="step_out_of_order"):
        case.apply(Action.RECORD_CALL, ADMIN, T0)


@pytest.mark.parametrize("action", [Action.RECORD_CALL, Action.RECORD_ADDRESS_UPDATE])
def test_only_the_assignee_may_take_a_step(action):
    case = make_case(CaseKind.A, Status.RECEIVED if action is Action.RECORD_CALL else Status.CALLED_SUBMITTER)
    with pytest.raises(CaseError, match="not_assignee"):
        case.apply(action, OTHER_ADMIN, T0)
    unassigned = make_case(CaseKind.A, Status.RECEIVED, assignee=None)
    with pytest.raises(CaseError, match="not_assignee"):
        unassigned.apply(Action.RECORD_CALL, ADMIN, T0)


def test_take_reassign_unassign():
    case = make_case(CaseKind.A, Status.RECEIVED, assignee=None)
    assert case.allowed_actions(ADMIN) == [Action.TAKE]
    case.apply(Action.TAKE, ADMIN, T0)
    assert case.assignee == ADMIN
    with pytest.raises(CaseError, match="already_yours"):
        case.apply(Action.TAKE, ADMIN, T0)
    case.apply(Action.TAKE, OTHER_ADMIN, T0)  # taking over is allowed
    assert case.assignee == OTHER_ADMIN
    case.apply(Action.REASSIGN, OTHER_ADMIN, T0, target=ADMIN)
    assert case.assignee == ADMIN
    with pytest.raises(CaseError, match="reassign_needs_target"):
        case.apply(Action.REASSIGN, ADMIN, T0)
    case.apply(Action.UNASSIGN, ADMIN, T0)
    assert case.assignee is None
    with pytest.raises(CaseError, match="not_assigned"):
        case.apply(Action.UNASSIGN, ADMIN, T0)


@pytest.mark.parametrize("status", list(Status))
def test_withdraw_only_by_the_submitter_and_only_before_the_vendor(status):
    case = make_case(CaseKind.A, status)
    with pytest.raises(CaseError):
        case.apply(Action.WITHDRAW, ADMIN, T0)
    if status in WITHDRAWABLE:
        case.apply(Action.WITHDRAW, SUBMITTER, T0)
        assert case.status is Status.WITHDRAWN
    else:
        with pytest.raises(CaseError):
            case.apply(Action.WITHDRAW, SUBMITTER, T0)


def test_municipal_case_must_be_forwarded_first():
    case = make_case(CaseKind.A, Status.AWAITING_FORWARD, assignee=None)
    assert case.allowed_actions(ADMIN) == [Action.FORWARD]
    with pytest.raises(CaseError, match="not_forwarded"):
        case.apply(Action.TAKE, ADMIN, T0)
    case.apply(Action.FORWARD, ADMIN, T0)
    assert case.status is Status.RECEIVED
    with pytest.raises(CaseError, match="already_forwarded"):
        case.apply(Action.FORWARD, ADMIN, T0)


@pytest.mark.parametrize("action", [Action.RECORD_SENT_TO_VENDOR, Action.REJECT_NOT_PROTECTED])
def test_vendor_step_needs_a_servicenow_number_and_rejection_a_reason(action):
    status = Status.PROCESS_CLOSED if action is Action.RECORD_SENT_TO_VENDOR else Status.ADDRESS_UPDATED
    case = make_case(CaseKind.A, status)
    with pytest.raises(CaseError):
        case.apply(action, ADMIN, T0, detail="")
    assert case.status is status


def test_final_cases_offer_no_actions():
    for status in FINAL_STATUSES:
        assert make_case(CaseKind.A, status).allowed_actions(ADMIN) == []


SYSTEM_CASES = list(itertools.product(CaseKind, Status, sorted(SYSTEM_ONLY | {Action.RECORD_SENT_TO_VENDOR})))


@pytest.mark.parametrize(("kind", "status", "action"), SYSTEM_CASES)
def test_the_bot_records_only_what_its_table_allows(kind, status, action):
    case = make_case(kind, status)
    expected = SYSTEM_TRANSITIONS.get((status, action))
    if expected is None or status in FINAL_STATUSES:
        before = case.model_copy(deep=True)
        with pytest.raises(CaseError):
            case.apply(action, SYSTEM, T0, detail="INC0012345")
        assert case == before
    else:
        event = case.apply(action, SYSTEM, T0, detail="INC0012345")
        assert case.status is expected and event.actor == SYSTEM


@pytest.mark.parametrize("action", sorted(SYSTEM_ONLY))
@pytest.mark.parametrize("status", [Status.SERVICENOW_PENDING, Status.SENT_TO_VENDOR])
def test_an_admin_cannot_record_what_only_the_bot_reads_from_servicenow(status, action):
    case = make_case(CaseKind.A, status)
    with pytest.raises(CaseError, match="system_only"):
        case.apply(action, ADMIN, T0, detail="fel")


def test_servicenow_steps_keep_the_manual_path_and_end_with_a_person():
    case = make_case(CaseKind.B, Status.PROCESS_CLOSED)
    assert case.allowed_actions(ADMIN)[:2] == [Action.REQUEST_SERVICENOW, Action.RECORD_SENT_TO_VENDOR]
    case.apply(Action.REQUEST_SERVICENOW, ADMIN, T0)
    assert Action.RECORD_SENT_TO_VENDOR in case.allowed_actions(ADMIN)  # by hand, while the bot works
    assert Status.SERVICENOW_PENDING not in WITHDRAWABLE  # the vendor may be being asked right now
    case.apply(Action.RECORD_SENT_TO_VENDOR, SYSTEM, T0, detail="INC0010001")
    case.apply(Action.RECORD_VENDOR_REPORT, SYSTEM, T0, detail="Raderat.")
    assert case.status is Status.VENDOR_REPORTED and case.vendor_report == "Raderat."
    assert case.is_open  # the bot never closes a case: a person confirms the deletion
    confirmed = case.apply(Action.RECORD_VENDOR_CONFIRMED, ADMIN, T0)
    assert confirmed.status_after is Status.CLOSED and not case.is_open


def test_a_failed_servicenow_request_goes_back_to_the_manual_step():
    case = make_case(CaseKind.A, Status.SERVICENOW_PENDING)
    case.apply(Action.SERVICENOW_FAILED, SYSTEM, T0, detail="ServiceNow HTTP 403")
    assert case.status is Status.PROCESS_CLOSED
    assert {Action.REQUEST_SERVICENOW, Action.RECORD_SENT_TO_VENDOR} <= set(case.allowed_actions(ADMIN))


@pytest.mark.parametrize("status", [Status.SENT_TO_VENDOR, Status.VENDOR_REPORTED])
def test_an_extra_servicenow_record_is_named_and_the_ticket_typed_by_hand_stays(status):
    case = make_case(CaseKind.A, status)
    case.servicenow_number, case.vendor_report = "INC0012345", "Raderat."
    event = case.apply(Action.SERVICENOW_EXTRA, SYSTEM, T0, detail="INC0010001")
    assert (event.status_after, event.detail) == (status, "INC0010001")
    assert (case.servicenow_number, case.vendor_report) == ("INC0012345", "Raderat.")
    with pytest.raises(CaseError, match="servicenow_number_required"):
        case.apply(Action.SERVICENOW_EXTRA, SYSTEM, T0)
