"""What a case-card click carries besides its verb: the card's version and the step's inputs.

Teams merges the card's inputs into the action's data; they arrive as typed, so every one is
checked here before the domain sees it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cards.case_verbs import INPUT_ASSIGNEE, INPUT_REASON, INPUT_SERVICENOW, MAX_REASON_LENGTH
from domain.case import Action, Person


class InvalidInput(Exception):
    """A card input that fails validation; `key` is the note shown on the returned card."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def card_version_of(data: dict[str, Any]) -> int | None:
    """The version the clicked card showed; None when missing or not a number (forged)."""
    try:
        return int(data.get("version"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def step_inputs(
    action: Action, data: dict[str, Any], servicenow: re.Pattern[str], admins: Sequence[Person]
) -> tuple[str, Person | None]:
    """The step's detail (ServiceNow number, reason) or the new assignee; raises InvalidInput."""
    if action is Action.RECORD_SENT_TO_VENDOR:
        number = str(data.get(INPUT_SERVICENOW) or "").strip().upper()
        if not servicenow.fullmatch(number):
            raise InvalidInput("note_servicenow_invalid")
        return number, None
    if action is Action.REJECT_NOT_PROTECTED:
        reason = " ".join(str(data.get(INPUT_REASON) or "").split())
        if not reason or len(reason) > MAX_REASON_LENGTH:
            raise InvalidInput("note_reason_required", max=MAX_REASON_LENGTH)
        return reason, None
    if action is Action.REASSIGN:
        wanted = str(data.get(INPUT_ASSIGNEE) or "")
        target = next((admin for admin in admins if admin.id == wanted), None)
        if target is None:  # only admins the card offered; never an arbitrary id
            raise InvalidInput("note_assignee_unknown")
        return "", target
    return "", None
