"""The Action.Execute verbs of the case card, in one table, and what each card action carries.

Every action's data holds the case id and the card's version; inputs (a ServiceNow number, a
reason, the new assignee) arrive next to them under the ids below.
"""

from __future__ import annotations

from typing import Any

from domain.case import Action, Case

REFRESH = "case.refresh"  # Teams asks for the viewer's own card (refresh.userIds); changes nothing

VERBS: dict[str, Action] = {
    "case.forward": Action.FORWARD,
    "case.take": Action.TAKE,
    "case.reassign": Action.REASSIGN,
    "case.unassign": Action.UNASSIGN,
    "case.record_call": Action.RECORD_CALL,
    "case.record_address_update": Action.RECORD_ADDRESS_UPDATE,
    "case.confirm_protected": Action.CONFIRM_PROTECTED,
    "case.reject_not_protected": Action.REJECT_NOT_PROTECTED,
    "case.record_process_closed": Action.RECORD_PROCESS_CLOSED,
    "case.request_servicenow": Action.REQUEST_SERVICENOW,  # offered only with ServiceNow configured
    "case.record_sent_to_vendor": Action.RECORD_SENT_TO_VENDOR,
    "case.record_vendor_confirmed": Action.RECORD_VENDOR_CONFIRMED,
    "case.close": Action.CLOSE,
}
VERB_OF: dict[Action, str] = {action: verb for verb, action in VERBS.items()}

# Input ids on the card; Teams merges the inputs' values into the action's data.
INPUT_SERVICENOW = "servicenow"
INPUT_REASON = "reason"
INPUT_ASSIGNEE = "assignee"
MAX_REASON_LENGTH = 500


def card_version(case: Case) -> int:
    """The state a card shows: the case's version (only domain changes write a case)."""
    return case.version


def action_data(case: Case, **more: Any) -> dict[str, Any]:
    return {"case_id": case.id, "version": card_version(case), **more}
