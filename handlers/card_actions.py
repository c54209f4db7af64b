"""Action.Execute verbs → handlers, in one table.

Every handler answers within Teams' 5 s budget with the card that replaces the clicked one;
slow follow-ups (notifications, thread replies) are scheduled outside the turn.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext

from cards.common import card_invoke_response, error_card
from messages import text

log = logging.getLogger(__name__)

InvokeBody = dict[str, Any]
Handler = Callable[[TurnContext, dict[str, Any]], Awaitable[InvokeBody]]


class CardActions:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def register(self, verb: str, handler: Handler) -> None:
        self._handlers[verb] = handler

    async def dispatch(self, context: TurnContext, verb: str, data: dict[str, Any]) -> InvokeBody:
        handler = self._handlers.get(verb)
        if handler is None:
            log.warning("unknown card verb %r", verb[:40])
            locale = context.activity.locale
            return card_invoke_response(
                error_card(text("error_unknown_verb_title", locale), text("error_unknown_verb", locale))
            )
        return await handler(context, data)
