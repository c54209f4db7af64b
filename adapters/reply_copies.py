"""Replies are copied shallowly before botbuilder addresses them, not deep-copied.

`TurnContext.send_activities` (botbuilder-core 4.17.1) deep-copies every outgoing activity so
that addressing it (conversation, from, recipient, reply-to, locale, service URL) and defaulting
its type, input hint and id do not change the caller's object — a prompt's activity lives in the
dialog state. Those steps only rebind attributes of the copy, and nothing on the way out changes
a nested object (the adapter and msrest read them), so a copy of the activity's own attributes
keeps the caller's object just as untouched. The deep copy walked every card's JSON instead:
`copy.deepcopy` of a summary card or a choice prompt's hero card was the largest single cost of
sending a reply (py-spy, intake load). Anything that is not an Activity is still deep-copied.
"""

from __future__ import annotations

import copy
from typing import Any

from botbuilder.core import turn_context
from botbuilder.schema import Activity


def reply_copy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`deepcopy` as send_activities uses it: an Activity gets a new attribute dict only."""
    if type(value) is Activity:
        return copy.copy(value)
    return copy.deepcopy(value, memo)


def install_shallow_reply_copies() -> None:
    """Idempotent; `deepcopy` in botbuilder's turn_context module is used by send_activities only."""
    turn_context.deepcopy = reply_copy
