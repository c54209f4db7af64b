"""The turn's last-resort error handler: one clear message for the user, one log line.

Expected failures (a failed reply, a store outage, a write whose outcome is unknown, a race, the
intake cap) get their own Swedish text and a one-line log; only a real bug gets a traceback.
"""

from __future__ import annotations

import logging

from botbuilder.core import TurnContext
from msrest.exceptions import ClientRequestError, HttpOperationError

from adapters.middleware import answer
from adapters.proactive import classify
from domain.ports import StoreUnavailable, VersionConflict, WriteOutcomeUnknown
from domain.services import IntakeLimitReached
from messages import text

log = logging.getLogger("bot")


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Last resort of an inbound turn: a clear Swedish message; a store outage gets its own 'try
    again shortly'. Every turn is inbound: proactive sends run no turn (connector_calls.py)."""
    key = "error_generic"
    if isinstance(error, HttpOperationError | ClientRequestError | TimeoutError):
        # Sending the reply itself failed (the user removed the bot, Teams is down): an error
        # text would fail the same way, so one line and no traceback.
        log.warning("could not reply in a %s turn: %s", context.activity.type, classify(error))
        return
    values: dict[str, object] = {}
    if isinstance(error, IntakeLimitReached):
        # Not an error of ours: the cap on filed cases (INTAKES_PER_USER_HOUR). The draft and its
        # summary card stay, so the same Skicka works once the hour has passed.
        key, values = "error_intake_limit", {"limit": error.limit}
        log.warning("intake cap reached for a submitter (%d per hour)", error.limit)
    elif isinstance(error, WriteOutcomeUnknown):
        # The write and its follow-ups are one unit and every write is idempotent (draft id,
        # card version): the honest answer is "not sure, repeating it is safe".
        key = "error_write_unknown"
        log.warning("store failed mid-write in a %s turn: %s", context.activity.type, error)
    elif isinstance(error, StoreUnavailable):
        key = "error_store_unavailable"
        log.warning("store unavailable during a %s turn: %s", context.activity.type, error)
    elif isinstance(error, VersionConflict):
        # Two messages of one conversation raced; the later one's state was not saved.
        key = "error_conflict"
        log.info("state conflict in a %s turn; asked the user to repeat", context.activity.type)
    else:
        log.exception("unhandled error in a %s turn", context.activity.type)
    try:
        await answer(context, text(key, context.activity.locale, **values))
    except Exception:  # the connector itself may be what failed
        log.exception("could not tell the user about the error")
