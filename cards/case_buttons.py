"""The case card's buttons: whatever `Case.allowed_actions` gives the viewer, nothing more.

Steps that need input open a small sub-card (Action.ShowCard) holding the inputs and the
Action.Execute that records the step, so one misclick never records anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cards.case_verbs import (
    INPUT_ASSIGNEE,
    INPUT_REASON,
    INPUT_SERVICENOW,
    MAX_REASON_LENGTH,
    VERB_OF,
    action_data,
)
from cards.common import adaptive_card, paragraph
from domain.case import Action, Case, Person
from messages import text

# Someone who holds nothing: the channel's shared card shows what any admin may do first.
NOBODY = Person(id="", name="")
_POSITIVE = frozenset(
    {Action.TAKE, Action.FORWARD, Action.CONFIRM_PROTECTED, Action.CLOSE, Action.REQUEST_SERVICENOW}
)


def execute(case: Case, action: Action, title: str, **extra: Any) -> dict[str, Any]:
    button = {"type": "Action.Execute", "title": title, "verb": VERB_OF[action], "data": action_data(case)}
    return {**button, **extra}


def _show_card(title: str, body: list[dict[str, Any]], submit: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Action.ShowCard", "title": title, "card": adaptive_card(body, [submit])}


def _title(case: Case, action: Action, locale: str | None) -> str:
    if action is Action.TAKE and case.assignee is not None:
        return text("button_take_over", locale)
    if action is Action.RECORD_ADDRESS_UPDATE:
        return text(f"button_record_address_update_{case.kind.value}", locale)
    return text(f"button_{action.value}", locale)


def vendor_request(case: Case) -> str:
    """The ServiceNow text of 3.3/4.3: Patient ID, protected identity, delete everything. Always
    Swedish: it goes to the vendor, whatever language the admin's Teams uses."""
    return text("vendor_request_text", "sv", patient_id=case.patient_id)


def _sent_to_vendor(case: Case, locale: str | None, servicenow_pattern: str) -> dict[str, Any]:
    request = vendor_request(case)
    copyable = {
        # Teams' CodeBlock has a copy button; other hosts fall back to plain monospace text.
        "type": "CodeBlock",
        "codeSnippet": request,
        "language": "PlainText",
        "fallback": {"type": "TextBlock", "text": request, "wrap": True, "fontType": "Monospace"},
    }
    number = {
        "type": "Input.Text",
        "id": INPUT_SERVICENOW,
        "label": text("input_servicenow_label", locale),
        "placeholder": "INC0012345",
        "isRequired": True,
        "regex": f"^(?:{servicenow_pattern})$",
        "errorMessage": text("input_servicenow_error", locale),
        "maxLength": 40,
    }
    submit = execute(
        case, Action.RECORD_SENT_TO_VENDOR, text("button_confirm_sent", locale), style="positive"
    )
    body = [paragraph(text("vendor_request_intro", locale)), copyable, number]
    return _show_card(_title(case, Action.RECORD_SENT_TO_VENDOR, locale), body, submit)


def _reject(case: Case, locale: str | None) -> dict[str, Any]:
    reason = {
        "type": "Input.Text",
        "id": INPUT_REASON,
        "label": text("input_reason_label", locale),
        "isMultiline": True,
        "isRequired": True,
        "maxLength": MAX_REASON_LENGTH,
        "errorMessage": text("input_reason_error", locale),
    }
    submit = execute(
        case, Action.REJECT_NOT_PROTECTED, text("button_confirm_reject", locale), style="destructive"
    )
    return _show_card(_title(case, Action.REJECT_NOT_PROTECTED, locale), [reason], submit)


def _reassign(case: Case, admins: Sequence[Person], locale: str | None) -> dict[str, Any] | None:
    others = [admin for admin in admins if case.assignee is None or admin.id != case.assignee.id]
    if not others:
        return None
    choices = {
        "type": "Input.ChoiceSet",
        "id": INPUT_ASSIGNEE,
        "label": text("input_assignee_label", locale),
        "isRequired": True,
        "choices": [{"title": admin.name or admin.id, "value": admin.id} for admin in others],
    }
    submit = execute(case, Action.REASSIGN, text("button_confirm_reassign", locale))
    return _show_card(_title(case, Action.REASSIGN, locale), [choices], submit)


def offered_actions(case: Case, actor: Person, servicenow: bool) -> list[Action]:
    """What the card offers `actor`: the domain's allowed actions, without *Skapa ärende i
    ServiceNow* when ServiceNow is not configured (the manual step is offered either way)."""
    return [a for a in case.allowed_actions(actor) if servicenow or a is not Action.REQUEST_SERVICENOW]


def case_buttons(
    case: Case,
    viewer: Person | None,
    admins: Sequence[Person],
    locale: str | None,
    servicenow_pattern: str,
    servicenow: bool = False,
) -> list[dict[str, Any]]:
    """The viewer's buttons; `viewer=None` is the shared card everyone sees before a refresh."""
    buttons: list[dict[str, Any]] = []
    for action in offered_actions(case, viewer or NOBODY, servicenow):
        if action is Action.RECORD_SENT_TO_VENDOR:
            buttons.append(_sent_to_vendor(case, locale, servicenow_pattern))
        elif action is Action.REJECT_NOT_PROTECTED:
            buttons.append(_reject(case, locale))
        elif action is Action.REASSIGN:
            if (button := _reassign(case, admins, locale)) is not None:
                buttons.append(button)
        else:
            style = {"style": "positive"} if action in _POSITIVE else {}
            buttons.append(execute(case, action, _title(case, action, locale), **style))
    return buttons
