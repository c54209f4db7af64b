"""The pure scheduling rules and the reminder settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config import SettingsError, load_settings
from domain.business_time import BusinessCalendar
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person
from domain.reminder_schedule import (
    ScheduledReminder,
    follow_up,
    format_span,
    is_current,
    parse_span,
    plan_reminder,
)
from domain.reminders import BusinessSpan, ReminderKind, ReminderPolicy

CALENDAR, POLICY = BusinessCalendar(), ReminderPolicy()
KARIN = Person(id="29:karin", name="Karin Holm", aad_id="aad-karin")
FILED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _case(version: int = 1) -> Case:
    return Case(
        id="case-1",
        number="SID-2026-0001",
        kind=CaseKind.A,
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id="P12345",
        submitter=Person(id="29:anna", name="Anna"),
        created_at=FILED,
        updated_at=FILED,
        version=version,
    )


def test_right_after_an_action_the_item_id_is_the_policys_idempotency_key():
    planned = plan_reminder(_case(), CALENDAR, POLICY)
    assert planned is not None
    assert planned.item_id == "reminder:case-1:v1:unassigned:1" and planned.period == 0
    assert planned.payload()["kind"] == "reminder"
    assert ScheduledReminder.from_payload(planned.payload(), planned.due_at) == planned


def test_the_follow_up_belongs_to_the_same_period_and_version():
    # Only actions write a case (where its card lives is routing's record), so the version the
    # period started at is the version its follow-ups carry.
    case = _case(version=1)
    planned = plan_reminder(case, CALENDAR, POLICY)
    assert planned is not None and is_current(case, planned)
    after = follow_up(case, planned, CALENDAR, POLICY)
    assert after is not None and after.item_id == "reminder:case-1:v1:unassigned:2" and after.escalate


def test_an_action_makes_the_planned_reminder_stale():
    case = _case()
    planned = plan_reminder(case, CALENDAR, POLICY)
    assert planned is not None
    case.apply(Action.TAKE, KARIN, FILED)
    assert not is_current(case, planned)
    assert plan_reminder(case, CALENDAR, POLICY).kind is ReminderKind.STEP_IDLE  # type: ignore[union-attr]


@pytest.mark.parametrize("payload", [{}, {"kind": "reminder", "case_id": "x", "reminder": "nope"}])
def test_a_foreign_payload_is_refused(payload):
    with pytest.raises(ValueError, match="not a reminder payload"):
        ScheduledReminder.from_payload(payload, FILED)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("4h", BusinessSpan(hours=4)),
        ("1d", BusinessSpan(days=1)),
        ("1.5d", BusinessSpan(days=1.5)),
        ("1d4h", BusinessSpan(days=1, hours=4)),
        (" 2D ", BusinessSpan(days=2)),
    ],
)
def test_spans_parse_and_format_back(text, span):
    assert parse_span(text) == span
    assert parse_span(format_span(span)) == span


@pytest.mark.parametrize("text", ["", "4", "h", "4 timmar", "-1d", "1h2d"])
def test_bad_spans_are_refused(text):
    with pytest.raises(ValueError):
        parse_span(text)


def test_default_settings_are_the_policys_defaults(tmp_path):
    settings = load_settings(_env_file=None, data_dir=tmp_path)
    assert settings.reminder_policy() == ReminderPolicy()
    assert settings.business_calendar() == BusinessCalendar()


def test_reminder_settings_are_validated_at_start(tmp_path):
    with pytest.raises(SettingsError, match="reminder_step_idle_every"):
        load_settings(_env_file=None, data_dir=tmp_path, reminder_step_idle_every="0h")
    with pytest.raises(SettingsError, match="office must open before it closes"):
        load_settings(_env_file=None, data_dir=tmp_path, office_hours_start="18:00")
    custom = load_settings(
        _env_file=None, data_dir=tmp_path, reminder_vendor_wait_first="5d", office_hours_end="16:30"
    )
    assert custom.reminder_policy().vendor_wait.first == BusinessSpan(days=5)
    assert custom.business_calendar().day_hours == 8.5
