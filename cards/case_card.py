"""The case card in the central team's channel (Adaptive Card 1.5, Universal Actions).

One card per case, the root of the case's thread. The card everyone sees carries `refresh`
with the admins' ids, so Teams fetches each admin's own view (`case.refresh`): the assignee
sees the step buttons, everyone else who holds the case and "Ta över".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote

from cards.case_buttons import case_buttons
from cards.case_texts import (
    age_text,
    event_text,
    next_step_text,
    organisation_label,
    shown_detail,
    stockholm_time,
)
from cards.case_verbs import REFRESH, action_data
from cards.common import Card, adaptive_card, error_card, facts, heading, paragraph
from cards.purged_cards import create_purged_case_card
from domain.case import Case, CaseKind, Event, Person, Status
from domain.reminders import ReminderOutlook
from messages import literal, text

DEFAULT_SERVICENOW_PATTERN = r"(INC|RITM|CS|REQ)\d{7}"
MAX_REFRESH_USERS = 60  # Teams' limit for refresh.userIds
HISTORY_LENGTH = 5


def mention_text(person: Person) -> str:
    """The <at> tag in the card's text; the entity's `text` must be the very same string."""
    return f"<at>{literal(person.name)}</at>"


def _mention(person: Person) -> dict[str, Any]:
    return {
        "type": "mention",
        "text": mention_text(person),
        "mentioned": {"id": person.id, "name": person.name},
    }


def call_link(person: Person) -> str | None:
    """Teams' documented call deep link takes the user's UPN (`users=anna@region.se`); without
    one the Entra object id also works. A bot-scoped 29: id does not."""
    who = person.upn or person.aad_id
    if not who:
        return None
    return f"https://teams.microsoft.com/l/call/0/0?users={quote(who, safe='@')}"


def _reminder_text(outlook: ReminderOutlook, locale: str | None) -> str:
    when = stockholm_time(outlook.next_due)
    if outlook.overdue_hours is None:
        return text("case_reminder_next", locale, when=when)
    hours = f"{outlook.overdue_hours:.1f}".replace(".", "," if not (locale or "").startswith("en") else ".")
    return text("case_reminder_overdue", locale, hours=hours, when=when)


def _facts(case: Case, now: datetime, locale: str | None, outlook: ReminderOutlook | None) -> dict[str, Any]:
    rows = [
        (text("summary_org", locale), organisation_label(case, locale)),
        (text("summary_patient_id", locale), case.patient_id),
    ]
    if case.kind is CaseKind.B:
        if case.episode_id:
            rows.append((text("summary_episode_id", locale), case.episode_id))
        # 4.1 / 4.2: a type B report cannot be filed before the submitter says this is done.
        rows.append((text("case_documented", locale), text("case_documented_value", locale)))
    received = text(
        "case_received_value",
        locale,
        when=stockholm_time(case.created_at),
        age=age_text(case.created_at, now, locale),
    )
    rows.append((text("case_received", locale), received))
    assignee = literal(case.assignee.name) if case.assignee else text("case_unassigned", locale)
    rows.append((text("case_assignee", locale), assignee))
    label = "case_next_step" if case.is_open else "case_outcome"
    rows.append((text(label, locale), next_step_text(case, locale)))
    if outlook is not None and case.is_open:
        rows.append((text("case_reminder", locale), _reminder_text(outlook, locale)))
    if case.servicenow_number:
        rows.append((text("case_servicenow", locale), case.servicenow_number))
    if case.vendor_report:
        rows.append((text("case_vendor_report", locale), literal(case.vendor_report)))
    if case.status is Status.REJECTED and case.rejection_reason:
        rows.append((text("case_reason", locale), literal(case.rejection_reason)))
    return facts(rows)


def _submitter(case: Case, locale: str | None) -> list[dict[str, Any]]:
    blocks = [paragraph(text("case_submitted_by", locale, mention=mention_text(case.submitter)))]
    link = call_link(case.submitter)
    # Only type A calls the submitter (3.3 step 2); 4.3 finds the patient by the episode's ID.
    if link and case.is_open and case.kind is CaseKind.A:
        button = {
            "type": "Action.OpenUrl",
            "title": text("button_call", locale, name=case.submitter.name),
            "url": link,
        }
        blocks.append({"type": "ActionSet", "actions": [button]})
    if case.kind is CaseKind.A and case.status is Status.RECEIVED:
        blocks.append(paragraph(text("case_call_hint", locale), isSubtle=True, size="small"))
    return blocks


def _assignment(case: Case, viewer: Person | None, locale: str | None) -> list[dict[str, Any]]:
    if viewer is None or case.assignee is None or not case.is_open:
        return []
    if case.assignee.id == viewer.id:
        return [paragraph(text("case_assigned_to_you", locale), color="good")]
    return [paragraph(text("case_assigned_to_other", locale, name=literal(case.assignee.name)))]


def _history(case: Case, locale: str | None) -> list[dict[str, Any]]:
    if not case.events:
        return []
    lines = [
        paragraph(_history_line(event, locale), size="small", spacing="none")
        for event in case.events[-HISTORY_LENGTH:]
    ]
    return [paragraph(text("case_history", locale), weight="bolder", separator=True), *lines]


# One history line per (when, who, what, locale); bounded, emptied when full.
_LINES: dict[tuple[object, ...], str] = {}
_LINES_LIMIT = 256


def _history_line(event: Event, locale: str | None) -> str:
    """One history line. Remembered: every click on a case and every update of its card render
    the same last events again, at ~10 µs a line (Stockholm time, escaping, the template). The
    key is what the line is made of, as a tuple (a pydantic model's hash and == are slower):
    never a free-text detail the line leaves out (a rejection's reason may name the patient's
    ids, which must not outlive the case here); the card's dicts stay fresh per card."""
    key = (event.at, event.actor.name, event.action, shown_detail(event), locale)
    line = _LINES.get(key)
    if line is None:
        if len(_LINES) >= _LINES_LIMIT:
            _LINES.clear()
        line = _LINES[key] = text(
            "case_history_line",
            locale,
            when=stockholm_time(event.at),
            who=literal(event.actor.name),
            what=event_text(event, locale),
        )
    return line


def create_case_card(
    case: Case,
    viewer: Person | None,
    admins: Sequence[Person],
    now: datetime,
    *,
    locale: str | None = None,
    servicenow_pattern: str = DEFAULT_SERVICENOW_PATTERN,
    note: str = "",
    outlook: ReminderOutlook | None = None,
    servicenow: bool = False,
) -> Card:
    """The case as `viewer` (an admin) sees it; `viewer=None` is the card posted in the thread.

    `admins` name the reassign choices and, as ids, who Teams refreshes the card for; `outlook`
    says what is overdue and when the next reminder goes out (refreshed on every view);
    `servicenow` offers *Skapa ärende i ServiceNow* beside the manual step (SERVICENOW_INSTANCE_URL).
    """
    if case.purged_at is not None:  # the identifiers are gone: only the closed summary remains
        return create_purged_case_card(case, locale)
    body: list[dict[str, Any]] = []
    if note:
        body.append(paragraph(note, color="attention", weight="bolder"))
    body += [
        heading(text("case_title", locale, number=case.number)),
        paragraph(text(f"case_kind_{case.kind.value}", locale), spacing="none", isSubtle=True),
        _facts(case, now, locale, outlook),
        *_submitter(case, locale),
        *_assignment(case, viewer, locale),
        *_history(case, locale),
    ]
    extra: dict[str, Any] = {"msteams": {"width": "Full", "entities": [_mention(case.submitter)]}}
    # A case waiting in a municipality's channel looks the same to everyone there; no refresh.
    if case.is_open and case.status is not Status.AWAITING_FORWARD:
        user_ids = list(dict.fromkeys(admin.id for admin in admins if admin.id))[:MAX_REFRESH_USERS]
        refresh_action = {"type": "Action.Execute", "verb": REFRESH, "data": action_data(case)}
        extra["refresh"] = {"action": refresh_action, "userIds": user_ids}
    buttons = case_buttons(case, viewer, admins, locale, servicenow_pattern, servicenow)
    return adaptive_card(body, buttons, **extra)


def create_forwarded_card(case: Case, locale: str | None = None) -> Card:
    """What is left in the municipality's channel once the case has gone to the central team."""
    return adaptive_card(
        [
            heading(text("forwarded_title", locale, number=case.number), color="good"),
            paragraph(text("forwarded_body", locale)),
        ]
    )


def create_refusal_card(reason: str, locale: str | None = None) -> Card:
    """A refused action: says why, shows nothing of the case."""
    return error_card(text("refused_title", locale), text(f"refused_{reason}", locale))
