"""The reminder policy: which idle case nudges whom, and when, in business time."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time

import pytest

from domain.business_time import BusinessCalendar
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person, Status
from domain.clock import STOCKHOLM
from domain.reminders import (
    BusinessSpan,
    Cadence,
    ReminderKind,
    ReminderPolicy,
    next_reminder,
    overdue_summary,
    reminder_outlook,
)

CAL = BusinessCalendar()
POLICY = ReminderPolicy()
ALICE = Person(id="29:alice", name="Alice Admin")
BOB = Person(id="29:bob", name="Bob Admin")


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=STOCKHOLM)


MONDAY_9 = local(2026, 3, 2, 9)  # a plain Monday; 6 March is the Friday


def make_case(
    status: Status = Status.RECEIVED,
    assignee: Person | None = ALICE,
    updated_at: datetime = MONDAY_9,
    version: int = 3,
    case_id: str = "case-1",
) -> Case:
    return Case(
        id=case_id,
        number=f"SID-2026-{case_id}",
        kind=CaseKind.A,
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id="synthetic-patient",
        submitter=Person(id="29:sara", name="Sara Submitter"),
        created_at=updated_at,
        updated_at=updated_at,
        status=status,
        assignee=assignee,
        version=version,
    )


@pytest.mark.parametrize(
    ("case", "kind", "due"),
    [
        pytest.param(
            make_case(assignee=None), ReminderKind.UNASSIGNED, local(2026, 3, 2, 13), id="unassigned"
        ),
        pytest.param(
            make_case(assignee=None, updated_at=local(2026, 3, 2, 15)),
            ReminderKind.UNASSIGNED,
            local(2026, 3, 3, 10),
            id="unassigned late in the day",
        ),
        pytest.param(
            make_case(assignee=None, updated_at=local(2026, 3, 6, 19)),
            ReminderKind.UNASSIGNED,
            local(2026, 3, 9, 12),
            id="reported friday evening",
        ),
        pytest.param(
            make_case(Status.CALLED_SUBMITTER), ReminderKind.STEP_IDLE, local(2026, 3, 3, 9), id="step"
        ),
        pytest.param(
            make_case(Status.VENDOR_CONFIRMED), ReminderKind.STEP_IDLE, local(2026, 3, 3, 9), id="to close"
        ),
        pytest.param(
            make_case(Status.SENT_TO_VENDOR), ReminderKind.VENDOR_WAIT, local(2026, 3, 5, 9), id="vendor"
        ),
        pytest.param(
            make_case(Status.SENT_TO_VENDOR, assignee=None),
            ReminderKind.UNASSIGNED,
            local(2026, 3, 2, 13),
            id="vendor wait with nobody assigned",
        ),
        pytest.param(
            make_case(Status.AWAITING_FORWARD, assignee=None),
            ReminderKind.AWAITING_FORWARD,
            local(2026, 3, 2, 13),
            id="awaiting forward",
        ),
    ],
)
def test_first_reminder_fires_after_the_kinds_threshold(
    case: Case, kind: ReminderKind, due: datetime
) -> None:
    reminder = next_reminder(case, CAL, POLICY)
    assert reminder is not None
    assert (reminder.kind, reminder.due_at, reminder.sequence) == (kind, due, 1)
    assert reminder.case_id == case.id
    assert reminder.due_at.tzinfo is UTC
    assert not reminder.escalate


@pytest.mark.parametrize(
    ("case", "after", "due"),
    [
        (make_case(assignee=None), 1, local(2026, 3, 3, 13)),
        (make_case(assignee=None), 2, local(2026, 3, 4, 13)),
        (make_case(Status.RECEIVED), 1, local(2026, 3, 4, 9)),
        (make_case(Status.RECEIVED), 2, local(2026, 3, 5, 9)),
        (make_case(Status.SENT_TO_VENDOR), 1, local(2026, 3, 9, 9)),  # 3 + 2 days, over a weekend
        (make_case(Status.SENT_TO_VENDOR), 2, local(2026, 3, 11, 9)),
        (make_case(Status.AWAITING_FORWARD, assignee=None), 1, local(2026, 3, 3, 13)),
    ],
    ids=["unassigned 2", "unassigned 3", "step 2", "step 3", "vendor 2", "vendor 3", "forward 2"],
)
def test_follow_ups_repeat_at_the_kinds_interval(case: Case, after: int, due: datetime) -> None:
    reminder = next_reminder(case, CAL, POLICY, after_sequence=after)
    assert reminder is not None
    assert (reminder.sequence, reminder.due_at) == (after + 1, due)


@pytest.mark.parametrize(("after", "escalate"), [(0, False), (1, True), (2, True), (5, True)])
def test_the_second_reminder_and_later_escalate_to_the_leads(after: int, escalate: bool) -> None:
    reminder = next_reminder(make_case(), CAL, POLICY, after_sequence=after)
    assert reminder is not None
    assert reminder.escalate is escalate


def test_escalation_threshold_is_configurable() -> None:
    policy = ReminderPolicy(escalate_from=3)
    flags = [next_reminder(make_case(), CAL, policy, after_sequence=n) for n in range(3)]
    assert [r.escalate for r in flags if r is not None] == [False, False, True]


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REJECTED, Status.WITHDRAWN])
@pytest.mark.parametrize("after", [0, 1])
def test_final_cases_get_no_reminders(status: Status, after: int) -> None:
    assert next_reminder(make_case(status), CAL, POLICY, after_sequence=after) is None


def test_the_key_is_stable_for_the_same_state() -> None:
    first = next_reminder(make_case(), CAL, POLICY, after_sequence=1)
    retried = next_reminder(make_case().model_copy(deep=True), CAL, POLICY, after_sequence=1)
    assert first is not None and retried is not None
    assert first == retried
    assert first.idempotency_key == "reminder:case-1:v3:step_idle:2"


@pytest.mark.parametrize(
    "changed",
    [make_case(version=4), make_case(case_id="case-2"), make_case(assignee=None)],
    ids=["version bumped", "other case", "other kind"],
)
def test_the_key_changes_with_version_case_and_kind(changed: Case) -> None:
    before = next_reminder(make_case(), CAL, POLICY)
    after = next_reminder(changed, CAL, POLICY)
    assert before is not None and after is not None
    assert before.idempotency_key != after.idempotency_key


def test_keys_differ_per_sequence_and_never_hold_the_patient() -> None:
    keys = {
        r.idempotency_key
        for n in range(4)
        if (r := next_reminder(make_case(), CAL, POLICY, after_sequence=n))
    }
    assert len(keys) == 4
    assert not any("synthetic-patient" in key for key in keys)


def test_an_action_restarts_the_idle_period_and_retires_the_old_key() -> None:
    case = make_case(assignee=None)
    scheduled = next_reminder(case, CAL, POLICY)
    case.apply(Action.TAKE, BOB, local(2026, 3, 2, 12))
    case.version += 1  # what the repository does on the write
    # When the old item comes due, the scheduler recomputes that sequence: a new key means drop.
    recomputed = next_reminder(case, CAL, POLICY)
    assert scheduled is not None and recomputed is not None
    assert recomputed.idempotency_key != scheduled.idempotency_key
    assert (recomputed.kind, recomputed.due_at) == (ReminderKind.STEP_IDLE, local(2026, 3, 3, 12))


def test_cadences_are_configurable_in_hours() -> None:
    policy = ReminderPolicy(step_idle=Cadence(first=BusinessSpan(hours=1), every=BusinessSpan(hours=2)))
    due = [next_reminder(make_case(), CAL, policy, after_sequence=n) for n in range(3)]
    assert [r.due_at for r in due if r is not None] == [local(2026, 3, 2, h) for h in (10, 12, 14)]


def test_day_cadences_follow_the_calendars_office_day() -> None:
    mornings = BusinessCalendar(opens=time(8), closes=time(12))
    reminder = next_reminder(make_case(), mornings, POLICY)
    assert reminder is not None
    assert reminder.due_at == local(2026, 3, 3, 9)


@pytest.mark.parametrize(
    "build",
    [
        lambda: BusinessSpan(days=-1),
        lambda: Cadence(first=BusinessSpan(hours=1), every=BusinessSpan()),
        lambda: ReminderPolicy(escalate_from=0),
        lambda: next_reminder(make_case(), CAL, POLICY, after_sequence=-1),
    ],
    ids=["negative span", "never repeating", "escalate from zero", "negative sequence"],
)
def test_nonsense_settings_are_rejected(build: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        build()


def test_overdue_summary_lists_open_overdue_cases_most_overdue_first() -> None:
    now = local(2026, 3, 4, 10)  # Wednesday
    unassigned = make_case(assignee=None, case_id="a")  # due Mon 13:00 -> 4 + 9 + 2 hours
    idle = make_case(Status.ADDRESS_UPDATED, case_id="b")  # due Tue 09:00 -> 8 + 2 hours
    forward = make_case(Status.AWAITING_FORWARD, None, local(2026, 3, 3, 9), case_id="e")  # 4 + 2
    not_yet = make_case(Status.SENT_TO_VENDOR, case_id="c")  # due Thursday
    closed = make_case(Status.CLOSED, case_id="d")
    cases = [unassigned, idle, forward, not_yet, closed]
    random.Random(8).shuffle(cases)

    summary = overdue_summary(cases, now, CAL, POLICY)

    assert [(case.id, kind, hours) for case, kind, hours in summary] == [
        ("a", ReminderKind.UNASSIGNED, 15.0),
        ("b", ReminderKind.STEP_IDLE, 10.0),
        ("e", ReminderKind.AWAITING_FORWARD, 6.0),
    ]


def test_overdue_summary_counts_a_reminder_due_at_closing_as_overdue_by_nothing_yet() -> None:
    case = make_case(assignee=None, updated_at=local(2026, 3, 2, 13))  # due Mon 17:00
    assert overdue_summary([case], local(2026, 3, 2, 20), CAL, POLICY) == [
        (case, ReminderKind.UNASSIGNED, 0.0)
    ]
    assert overdue_summary([case], local(2026, 3, 2, 16), CAL, POLICY) == []


def test_overdue_summary_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="naive"):
        overdue_summary([make_case()], datetime(2026, 3, 4, 10), CAL, POLICY)  # no zone


def test_outlook_of_a_fresh_case_is_its_first_reminder():
    case = make_case(assignee=None)
    outlook = reminder_outlook(case, MONDAY_9, CAL, POLICY)
    assert outlook is not None and outlook.overdue_hours is None
    assert outlook.next_due == CAL.add_business_hours(MONDAY_9, 4)


def test_outlook_of_an_overdue_case_counts_business_hours_and_finds_the_next_reminder():
    case = make_case(assignee=None)
    first = CAL.add_business_hours(MONDAY_9, 4)
    now = CAL.add_business_hours(first, 11)  # one business day (9 h) and 2 h past the first
    outlook = reminder_outlook(case, now, CAL, POLICY)
    assert outlook is not None and outlook.kind is ReminderKind.UNASSIGNED
    assert outlook.overdue_hours == pytest.approx(11)
    assert outlook.next_due == CAL.add_business_hours(first, 18)  # the third reminder


def test_a_closed_case_has_no_outlook():
    assert reminder_outlook(make_case(status=Status.CLOSED), MONDAY_9, CAL, POLICY) is None
