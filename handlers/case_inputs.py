"""What a case-card click carries besides its verb: the card's version and the step's inputs.

Teams merges the card's inputs into the action's data; `CardData` has checked their types, the
values are checked here before the domain sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cards.case_verbs import MAX_REASON_LENGTH
from domain.case import Action, Person
from handlers.card_data import CardData


class InvalidInput(Exception):
    """A card input that fails validation; `key` is the note shown on the returned card."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def step_inputs(
    action: Action, data: CardData, servicenow: re.Pattern[str], admins: Sequence[Person]
) -> tuple[str, Person | None]:
    """The step's detail (ServiceNow number, reason) or the new assignee; raises InvalidInput."""
    if action is Action.RECORD_SENT_TO_VENDOR:
        number = (data.servicenow or "").strip().upper()
        if not servicenow.fullmatch(number):
            raise InvalidInput("note_servicenow_invalid")
        return number, None
    if action is Action.REJECT_NOT_PROTECTED:
        reason = " ".join((data.reason or "").split())
        if not reason or len(reason) > MAX_REASON_LENGTH:
            raise InvalidInput("note_reason_required", max=MAX_REASON_LENGTH)
        return reason, None
    if action is Action.REASSIGN:
        wanted = data.assignee or ""
        target = next((admin for admin in admins if admin.id == wanted), None)
        if target is None:  # only admins the card offered; never an arbitrary id
            raise InvalidInput("note_assignee_unknown")
        return "", target
    return "", None
