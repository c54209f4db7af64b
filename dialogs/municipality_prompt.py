"""Which municipality: a choice list card (all of them, never cut at Teams' 6 buttons) that
also understands a typed answer: 'Örnsköldsviks kommun', 'sundsvalls', 'Ö-vik', '3'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.dialogs.prompts import Prompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes

from cards.choice_cards import CHOICE_INPUT, LIST_PROMPT_KEY, create_choice_list_card
from domain.municipalities import Municipality, match_municipality
from messages import text

MUNICIPALITY_PROMPT = "municipality"


class MunicipalityPrompt(Prompt):
    """The recognised value is the Municipality itself."""

    def __init__(self, municipalities: Sequence[Municipality]) -> None:
        super().__init__(MUNICIPALITY_PROMPT)
        self._municipalities = list(municipalities)

    async def on_prompt(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions, is_retry: bool
    ) -> None:
        locale = turn_context.activity.locale
        if is_retry:
            await turn_context.send_activity(text("choice_retry", locale))
        question = text("ask_municipality", locale)
        numbered = [(f"{n}. {m.label}", m.name) for n, m in enumerate(self._municipalities, start=1)]
        card = create_choice_list_card(MUNICIPALITY_PROMPT, question, numbered, locale)
        await turn_context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        activity = turn_context.activity
        if activity.type != ActivityTypes.message:
            return result
        found = self.recognize(activity.value, activity.text or "")
        if found is not None:
            result.succeeded = True
            result.value = found
        return result

    def recognize(self, value: Any, typed: str) -> Municipality | None:
        if isinstance(value, dict) and value.get(LIST_PROMPT_KEY) == MUNICIPALITY_PROMPT:
            picked = str(value.get(CHOICE_INPUT) or "")
            return next((m for m in self._municipalities if m.name == picked), None)
        return match_municipality(typed, self._municipalities)
