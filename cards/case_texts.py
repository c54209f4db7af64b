"""Words about a case shared by its card, its thread replies and the submitter's notifications.

Nothing here ever shows a Patient ID or care-episode ID: these texts leave the case card.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from domain.case import Action, Case, Event, Status
from domain.clock import STOCKHOLM
from messages import literal, text

REDACTED = "[…]"


def organisation_label(case: Case, locale: str | None) -> str:
    """'Region Västernorrland', 'Sundsvalls kommun': official names, the same in every language."""
    return case.organisation.display


def stockholm_time(moment: datetime) -> str:
    """Local time for people; storage stays UTC."""
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def age_text(since: datetime, now: datetime, locale: str | None) -> str:
    """'nyss', '12 min sedan', '3 tim sedan', '4 dygn sedan'."""
    age = max(now - since, timedelta(0))
    if age < timedelta(minutes=1):
        return text("age_now", locale)
    if age < timedelta(hours=1):
        return text("age_minutes", locale, n=int(age.total_seconds() // 60))
    if age < timedelta(days=2):
        return text("age_hours", locale, n=int(age.total_seconds() // 3600))
    return text("age_days", locale, n=age.days)


def next_step_text(case: Case, locale: str | None) -> str:
    """What happens next (open case) or how it ended (final case)."""
    if not case.is_open:
        return text(f"outcome_{case.status.value}", locale)
    if case.status is Status.RECEIVED:
        return text(f"next_received_{case.kind.value}", locale)
    return text(f"next_{case.status.value}", locale)


def event_text(event: Event, locale: str | None) -> str:
    """'tog ärendet', 'skickade ärendet till leverantören (INC0012345)'.

    A rejection's reason and the vendor's close notes are free text, so they stay out of
    histories and replies (the card shows the close notes in their own row).
    """
    if event.action is Action.REASSIGN:  # the detail is the new assignee's display name
        return text(f"event_{event.action.value}", locale, detail=literal(event.detail))
    if event.action in _BOT_CHECKED:
        return text(f"event_{event.action.value}", locale, detail=event.detail)
    return text(f"event_{event.action.value}", locale)


# Details that are bot-checked values: a ServiceNow number, or our own words for a failure.
_BOT_CHECKED = frozenset({Action.RECORD_SENT_TO_VENDOR, Action.SERVICENOW_FAILED, Action.SERVICENOW_EXTRA})
_DETAIL_SHOWN = _BOT_CHECKED | {Action.REASSIGN}


def shown_detail(event: Event) -> str | None:
    """The part of the event's detail `event_text` shows: None for free text it leaves out."""
    return event.detail if event.action in _DETAIL_SHOWN else None


def without_patient_ids(case: Case, free_text: str) -> str:
    """Free text with the case's own identifiers blanked, for messages that must not carry them."""
    for identifier in (case.patient_id, case.episode_id):
        if identifier:
            free_text = re.sub(re.escape(identifier), REDACTED, free_text, flags=re.IGNORECASE)
    return free_text
