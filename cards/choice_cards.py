"""A question with more answers than Teams shows as buttons.

Teams renders at most 6 buttons on a hero card and 6 actions on an Adaptive Card (host config
`maxActions: 6`); a 7th is silently dropped. A choice list (Input.ChoiceSet) with one submit
shows every option, however many there are.
"""

from __future__ import annotations

from collections.abc import Sequence

from cards.common import Card, adaptive_card, paragraph
from messages import text

MAX_CARD_ACTIONS = 6  # Teams: hero card buttons and Adaptive Card actions
LIST_PROMPT_KEY = "list_prompt"  # Action.Submit data: {"list_prompt": prompt id, "choice": value}
CHOICE_INPUT = "choice"


def create_choice_list_card(
    prompt_id: str, question: str, options: Sequence[tuple[str, str]], locale: str | None
) -> Card:
    """`options` are (title, value); the submit carries the picked value under `choice`."""
    choices = {
        "type": "Input.ChoiceSet",
        "id": CHOICE_INPUT,
        "style": "expanded",
        "isRequired": True,
        "errorMessage": text("choice_list_error", locale),
        "choices": [{"title": title, "value": value} for title, value in options],
    }
    submit = {
        "type": "Action.Submit",
        "title": text("button_choose", locale),
        "style": "positive",
        "data": {LIST_PROMPT_KEY: prompt_id},
    }
    body = [paragraph(question), choices, paragraph(text("choice_list_hint", locale), isSubtle=True)]
    return adaptive_card(body, [submit])
