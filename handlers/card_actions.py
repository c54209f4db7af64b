"""Action.Execute verbs → handlers, in one table.

Every handler answers within Teams' 5 s budget with the card that replaces the clicked one;
slow follow-ups (notifications, thread replies) are scheduled outside the turn. A verb no card
offers, or data that is not what the cards send (handlers.card_data), never reaches a handler:
it is refused with a card and audited like any forged action.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext

from cards.common import card_invoke_response, error_card
from handlers.card_data import CardData, PageData, parse_card_data, parse_page_data
from messages import text

log = logging.getLogger(__name__)

InvokeBody = dict[str, Any]
Handler = Callable[[TurnContext, CardData], Awaitable[InvokeBody]]
PageHandler = Callable[[TurnContext, PageData], Awaitable[InvokeBody]]  # a list card's paging
# (context, verb as shown, why, the case id the data names if it parses) -> the refusal card,
# after the refusal is audited.
Refuser = Callable[[TurnContext, str, str, str | None], Awaitable[InvokeBody]]


class CardActions:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._pages: dict[str, PageHandler] = {}
        self.on_refused: Refuser | None = None

    def register(self, verb: str, handler: Handler) -> None:
        self._handlers[verb] = handler

    def register_page(self, verb: str, handler: PageHandler) -> None:
        """A verb whose data is a page cursor (handlers.card_data.PageData), not a case."""
        self._pages[verb] = handler

    async def dispatch(self, context: TurnContext, verb: object, data: object) -> InvokeBody:
        shown = _printable(verb)
        pages = self._pages.get(verb) if isinstance(verb, str) else None
        if pages is not None:
            page_data = parse_page_data(data)
            if page_data is None:
                log.warning("card data of %s is not what the card sends", shown)
                return await self._refuse(context, shown, "invalid_data", None)
            return await pages(context, page_data)
        handler = self._handlers.get(verb) if isinstance(verb, str) else None
        card_data = parse_card_data(data)
        case_id = card_data.case_id if card_data is not None else None
        if handler is None:
            log.warning("unknown card verb %r", shown)
            return await self._refuse(context, shown, "unknown_verb", case_id)
        if card_data is None:
            log.warning("card data of %s is not what the card sends", shown)
            return await self._refuse(context, shown, "invalid_data", None)
        return await handler(context, card_data)

    async def _refuse(self, context: TurnContext, verb: str, reason: str, case_id: str | None) -> InvokeBody:
        if self.on_refused is not None:
            return await self.on_refused(context, verb, reason, case_id)
        locale = context.activity.locale
        return card_invoke_response(
            error_card(text("error_unknown_verb_title", locale), text("error_unknown_verb", locale))
        )


def _printable(verb: object) -> str:
    """The verb as it may appear in the log and the audit: short, and only id characters."""
    return (
        re.sub(r"[^A-Za-z0-9._/-]", "?", verb)[:60] if isinstance(verb, str) else f"<{type(verb).__name__}>"
    )
