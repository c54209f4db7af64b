"""The report itself: asks for whatever the draft still lacks, then shows the summary card.

One loop instead of a fixed waterfall: `ask_step` asks for the draft's next missing field and
`store_step` saves the answer and loops. "Ändra" clears a field and loops; a user who must first
document the care episode leaves and, on return, is asked only what is still missing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, StatePropertyAccessor, TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogInstance,
    DialogTurnResult,
    PromptValidatorContext,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt

from cards.intake_cards import INTAKE_KEY, create_submitted_card, create_summary_card
from cards.purged_cards import create_discarded_intake_card
from config import Settings
from dialogs.organisation_dialog import OrganisationDialog, organisation_label
from dialogs.prompts import answered_yes, ask_yes_no, choice_prompt
from dialogs.submitter import UpnLookup
from domain.case import Case, Organisation, Status
from domain.clock import Clock
from domain.intake import MAX_ID_LENGTH, IdFormat, IdProblem, IntakeDraft, Slot, check_identifier
from domain.municipalities import genitive
from domain.ports import user_reference_key
from domain.retention import PostedCard, PostedCards
from domain.services import CaseService
from messages import text

log = logging.getLogger(__name__)

PATIENT_ID_PROMPT = "patient_id"
EPISODE_ID_PROMPT = "episode_id"
LOOP = "intake.loop"
SUMMARY = "intake.summary"
SUMMARY_DONE = "done"
HELP_AFTER_ATTEMPTS = 3


class IntakeDialog(ComponentDialog):
    def __init__(
        self,
        drafts: StatePropertyAccessor,
        profile: StatePropertyAccessor,
        cases: CaseService,
        settings: Settings,
        clock: Clock,
        *,
        posted_cards: PostedCards | None = None,
        draft_started: Callable[[TurnContext, IntakeDraft], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(IntakeDialog.__name__)
        self._drafts = drafts
        self._posted_cards = posted_cards
        self._draft_started = draft_started  # schedules the purge of the draft when it expires
        self._cases = cases
        self._clock = clock
        self._upns = UpnLookup()
        self._formats = {
            PATIENT_ID_PROMPT: IdFormat(settings.patient_id_pattern, settings.patient_id_hint),
            EPISODE_ID_PROMPT: IdFormat(settings.episode_id_pattern, settings.episode_id_hint),
        }
        self.add_dialog(OrganisationDialog(profile, settings.municipality_list()))
        self.add_dialog(choice_prompt())
        self.add_dialog(TextPrompt(PATIENT_ID_PROMPT, self._id_validator(PATIENT_ID_PROMPT)))
        self.add_dialog(TextPrompt(EPISODE_ID_PROMPT, self._id_validator(EPISODE_ID_PROMPT)))
        self.add_dialog(WaterfallDialog(LOOP, [self.ask_step, self.store_step]))
        self.add_dialog(WaterfallDialog(SUMMARY, [self.summary_step, self.decision_step]))
        self.initial_dialog_id = LOOP

    async def load_draft(self, context: TurnContext) -> IntakeDraft:
        raw = await self._drafts.get(context)
        if raw:
            return IntakeDraft.model_validate(raw)
        draft = IntakeDraft.start(self._clock())
        await self.save_draft(context, draft)
        if self._draft_started is not None:
            await self._draft_started(context, draft)
        return draft

    async def save_draft(self, context: TurnContext, draft: IntakeDraft | None) -> None:
        # set(None), not delete(): botbuilder's delete raises KeyError on a missing property.
        await self._drafts.set(context, draft.model_dump(mode="json") if draft else None)

    async def discard_draft(self, context: TurnContext, reason: str) -> None:
        """Drop the unsent draft; its summary cards showed the IDs, so they are rewritten without
        them ("cancelled" or "expired"; best effort, like replace_card)."""
        raw = await self._drafts.get(context)
        await self.save_draft(context, None)
        card_ids = IntakeDraft.model_validate(raw).card_ids if raw else []
        card = create_discarded_intake_card(reason, context.activity.locale)
        for card_id in card_ids:
            await replace_card(context, card, card_id)

    # --- the loop -------------------------------------------------------------------------------
    async def ask_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        draft = await self.load_draft(step.context)
        slot = draft.next_slot()
        step.values["slot"] = slot.value if slot else None
        locale = step.context.activity.locale
        if slot is None:
            return await step.begin_dialog(SUMMARY)
        if slot is Slot.ORGANISATION:
            return await step.begin_dialog(OrganisationDialog.__name__)
        if slot in (Slot.PATIENT_ID, Slot.EPISODE_ID):
            prompt_id = PATIENT_ID_PROMPT if slot is Slot.PATIENT_ID else EPISODE_ID_PROMPT
            question = text(f"ask_{prompt_id}", locale, hint=self._formats[prompt_id].hint)
            return await step.prompt(prompt_id, PromptOptions(prompt=MessageFactory.text(question)))
        questions = {
            Slot.HAS_EPISODE: "ask_has_episode",
            Slot.DOCUMENTED: "ask_documented",
            Slot.PROTECTED: "ask_protected",
        }
        return await ask_yes_no(step, text(questions[slot], locale))

    async def store_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        slot_value = step.values.get("slot")
        if slot_value is None:  # the summary finished: submitted, cancelled or changed a field
            return await (step.end_dialog() if step.result == SUMMARY_DONE else step.replace_dialog(LOOP))
        slot = Slot(slot_value)
        draft = await self.load_draft(step.context)
        locale = step.context.activity.locale
        if slot is Slot.ORGANISATION:
            draft.organisation = Organisation.model_validate(step.result)
        elif slot in (Slot.PATIENT_ID, Slot.EPISODE_ID):
            setattr(draft, slot.value, step.result)
        elif slot is Slot.DOCUMENTED and not answered_yes(step):
            await step.context.send_activity(text("document_first", locale))
            return await step.end_dialog()  # the draft stays for when they come back
        elif slot is Slot.PROTECTED and not answered_yes(step):
            await self.save_draft(step.context, None)
            await step.context.send_activity(text("not_protected", locale))
            return await step.end_dialog()
        else:
            setattr(draft, slot.value, answered_yes(step))
        await self.save_draft(step.context, draft)
        return await step.replace_dialog(LOOP)

    def _id_validator(self, prompt_id: str) -> Callable[[PromptValidatorContext], Awaitable[bool]]:
        fmt = self._formats[prompt_id]
        which = "patient" if prompt_id == PATIENT_ID_PROMPT else "episode"

        async def validate(prompt: PromptValidatorContext) -> bool:
            # The guard middleware already stopped personnummer; checking again here keeps the
            # rule true even if the prompt is reached some other way.
            locale = prompt.context.activity.locale
            value, problem = check_identifier(prompt.recognized.value or "", fmt)
            if problem is None:
                prompt.recognized.value = value
                return True
            messages = {
                IdProblem.EMPTY: text("id_empty", locale),
                IdProblem.IDENTITY_NUMBER: text("id_identity_number", locale),
                IdProblem.TOO_LONG: text("id_too_long", locale, max=MAX_ID_LENGTH),
                IdProblem.BAD_FORMAT: text(f"id_bad_format_{which}", locale, hint=fmt.hint),
            }
            reply = messages[problem]
            # botbuilder-python never increments attempt_count; number_of_attempts counts the
            # failures before this one.
            if prompt.options.number_of_attempts + 1 >= HELP_AFTER_ATTEMPTS:
                reply += "\n\n" + text("attempts_help", locale)
            await prompt.context.send_activity(reply)
            return False

        return validate

    async def on_reprompt_dialog(self, context: TurnContext, instance: DialogInstance) -> None:
        """A prompt re-asks itself; the summary is a card, so point at its buttons instead."""
        stack = instance.state[self.persisted_dialog_state].dialog_stack
        if stack and stack[0].id == SUMMARY:
            await context.send_activity(text("summary_reprompt", context.activity.locale))

    # --- the summary ----------------------------------------------------------------------------
    async def summary_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        draft = await self.load_draft(step.context)
        locale = step.context.activity.locale
        card = create_summary_card(draft, locale, self._org_label(draft, locale))
        sent = await step.context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))
        if sent is not None and sent.id:  # the card shows the IDs: the purge rewrites it later
            draft.card_ids.append(sent.id)
            await self.save_draft(step.context, draft)
        return Dialog.end_of_turn

    async def decision_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        context = step.context
        draft = await self.load_draft(context)
        data: dict[str, Any] = context.activity.value if isinstance(context.activity.value, dict) else {}
        typed = (context.activity.text or "").strip().lower()
        action = data.get(INTAKE_KEY) or {"skicka": "submit", "send": "submit"}.get(typed)
        if data and data.get("draft") != draft.draft_id:
            await context.send_activity(text("stale_card", context.activity.locale))
            return await step.replace_dialog(SUMMARY)
        if action == "submit":
            await self.submit(context, draft)
            return await step.end_dialog(SUMMARY_DONE)
        if action == "cancel":
            await self.discard_draft(context, "cancelled")
            await context.send_activity(text("cancelled", context.activity.locale))
            return await step.end_dialog(SUMMARY_DONE)
        field = data.get("field")  # card data may be forged: a list here is not a slot name
        if action == "change" and isinstance(field, str) and field in {slot.value for slot in Slot}:
            draft.clear(Slot(field))
            await self.save_draft(context, draft)
            return await step.end_dialog("changed")
        await context.send_activity(text("summary_reprompt", context.activity.locale))
        return await step.replace_dialog(SUMMARY)

    async def submit(self, context: TurnContext, draft: IntakeDraft) -> None:
        locale = context.activity.locale
        submitter = await self._upns.submitter(context)
        case, created = await self._cases.file(
            draft, submitter, context.activity.conversation.id, capped=True
        )
        await self._record_cards(context, case, draft)
        await self.save_draft(context, None)
        if not created:
            await context.send_activity(text("already_submitted", locale, number=case.number))
            return
        await replace_card(
            context, create_submitted_card(draft, case, locale, self._org_label(draft, locale))
        )
        if case.status is Status.AWAITING_FORWARD:  # 3.2 / 4.2: her municipality's förvaltning first
            org = genitive(case.organisation.display)
            message = text(f"submitted_{case.kind.value}_municipal", locale, number=case.number, org=org)
        else:
            message = text(f"submitted_{case.kind.value}", locale, number=case.number)
        await context.send_activity(message)

    async def _record_cards(self, context: TurnContext, case: Case, draft: IntakeDraft) -> None:
        """Every summary card of this draft (the clicked one becomes the confirmation) shows the
        IDs: remember where they are so the retention purge can rewrite them."""
        if self._posted_cards is None:
            return
        activity = context.activity
        key = user_reference_key(activity.from_property.id, activity.from_property.aad_object_id or "")
        ids = [*draft.card_ids, activity.reply_to_id or ""]
        cards = [PostedCard(key, activity.conversation.id, card_id) for card_id in ids if card_id]
        await self._posted_cards.record(case.id, cards)

    @staticmethod
    def _org_label(draft: IntakeDraft, locale: str | None) -> str:
        return organisation_label(draft.organisation, locale) if draft.organisation else ""


async def replace_card(context: TurnContext, card: dict[str, Any], activity_id: str | None = None) -> None:
    """Swap the card the user clicked (Action.Submit's replyToId), or the card `activity_id`, for
    `card`; best effort, since the confirmation text that follows says the same."""
    activity_id = activity_id or context.activity.reply_to_id
    if not activity_id:
        return
    update = MessageFactory.attachment(CardFactory.adaptive_card(card))
    update.id = activity_id
    try:
        await context.update_activity(update)
    except Exception:  # an old or foreign card cannot always be updated
        log.info("could not update the clicked card")
