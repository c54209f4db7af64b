"""Prompt helpers shared by the dialogs: localised choices and yes/no questions.

botbuilder's ConfirmPrompt knows no Swedish and recognises its second try through an unordered
set (a "Nej" can come back as yes), so yes/no is a ChoicePrompt with explicit synonyms.
"""

from __future__ import annotations

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import ChoicePrompt, PromptOptions

from messages import text

CHOICE_PROMPT = "choice"

_YES_SYNONYMS = ["ja", "j", "japp", "jo", "yes", "y", "stämmer", "ok"]
_NO_SYNONYMS = ["nej", "n", "nä", "no", "stämmer inte"]


def choice_prompt() -> ChoicePrompt:
    prompt = ChoicePrompt(CHOICE_PROMPT)
    prompt.style = ListStyle.hero_card
    return prompt


def yes_no_choices(context: TurnContext) -> list[Choice]:
    locale = context.activity.locale
    return [
        Choice(text("yes", locale), synonyms=_YES_SYNONYMS),
        Choice(text("no", locale), synonyms=_NO_SYNONYMS),
    ]


async def ask_choice(step: WaterfallStepContext, question: str, choices: list[Choice]) -> DialogTurnResult:
    locale = step.context.activity.locale
    return await step.prompt(
        CHOICE_PROMPT,
        PromptOptions(
            prompt=MessageFactory.text(question),
            retry_prompt=MessageFactory.text(f"{text('choice_retry', locale)}\n\n{question}"),
            choices=choices,
        ),
    )


async def ask_yes_no(step: WaterfallStepContext, question: str) -> DialogTurnResult:
    return await ask_choice(step, question, yes_no_choices(step.context))


def answered_yes(step: WaterfallStepContext) -> bool:
    """The result of `ask_yes_no`: the first choice is yes."""
    return bool(step.result is not None and step.result.index == 0)
