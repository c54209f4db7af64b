"""Prompt helpers shared by the dialogs: localised choices and yes/no questions.

botbuilder's ConfirmPrompt knows no Swedish and recognises its second try through an unordered
set (a "Nej" can come back as yes), so yes/no is a ChoicePrompt with explicit synonyms.
"""

from __future__ import annotations

from copy import copy

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import DialogTurnResult, WaterfallStepContext
from botbuilder.dialogs.choices import Choice, FoundChoice, ListStyle
from botbuilder.dialogs.prompts import ChoicePrompt, PromptOptions, PromptRecognizerResult
from botbuilder.schema import ActivityTypes

from messages import text

CHOICE_PROMPT = "choice"

_YES_SYNONYMS = ["ja", "j", "japp", "jo", "yes", "y", "stämmer", "ok"]
_NO_SYNONYMS = ["nej", "n", "nä", "no", "stämmer inte"]


class _ChoicePrompt(ChoicePrompt):
    """Makes the retry text ("pick one of the buttons" and the question again) when a retry
    happens. Passed in the options, it was a second Activity (~50 attributes) in the dialog state,
    read, compared and written on every turn the question stayed open."""

    async def on_prompt(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions, is_retry: bool
    ) -> None:
        if is_retry and options.retry_prompt is None and options.prompt is not None:
            retry = f"{text('choice_retry', turn_context.activity.locale)}\n\n{options.prompt.text}"
            options = copy(options)  # the state's options stay as they are
            options.retry_prompt = MessageFactory.text(retry)
        await super().on_prompt(turn_context, state, options, is_retry)

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        """An answer that is exactly one choice's value or synonym (a button's "Ja", a typed
        "nej") is that choice, found without botbuilder tokenising every synonym of every choice
        on each answer; anything else (partial matches, numbers, ordinals) goes to botbuilder."""
        activity = turn_context.activity
        if activity.type == ActivityTypes.message and activity.text and options and options.choices:
            said = " ".join(activity.text.split()).casefold()
            found = [
                FoundChoice(value=choice.value, index=index, score=1.0, synonym=name)
                for index, choice in enumerate(options.choices)
                for name in (choice.value, *(choice.synonyms or ()))
                if isinstance(name, str) and name.casefold() == said
            ]
            if found and len({choice.index for choice in found}) == 1:
                return PromptRecognizerResult(succeeded=True, value=found[0])
        return await super().on_recognize(turn_context, state, options)


def choice_prompt() -> ChoicePrompt:
    prompt = _ChoicePrompt(CHOICE_PROMPT)
    prompt.style = ListStyle.hero_card
    return prompt


def yes_no_choices(context: TurnContext) -> list[Choice]:
    locale = context.activity.locale
    return [
        Choice(text("yes", locale), synonyms=_YES_SYNONYMS),
        Choice(text("no", locale), synonyms=_NO_SYNONYMS),
    ]


async def ask_choice(step: WaterfallStepContext, question: str, choices: list[Choice]) -> DialogTurnResult:
    return await step.prompt(
        CHOICE_PROMPT, PromptOptions(prompt=MessageFactory.text(question), choices=choices)
    )


async def ask_yes_no(step: WaterfallStepContext, question: str) -> DialogTurnResult:
    return await ask_choice(step, question, yes_no_choices(step.context))


def answered_yes(step: WaterfallStepContext) -> bool:
    """The result of `ask_yes_no`: the first choice is yes."""
    return bool(step.result is not None and step.result.index == 0)
