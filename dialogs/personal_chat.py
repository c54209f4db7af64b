"""The 1:1 chat with a member of staff: commands first, then whatever dialog is running.

`hjälp`, `avbryt` and `mina ärenden` work at any point; anything else goes to the running
intake, or starts one on `ny anmälan`.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from botbuilder.core import ConversationState, TurnContext, UserState
from botbuilder.dialogs import DialogSet
from botbuilder.schema import ActivityTypes

from cards.choice_cards import LIST_PROMPT_KEY
from cards.intake_cards import INTAKE_KEY
from cards.my_cases_card import MY_CASES_KEY
from config import Settings
from dialogs.intake_dialog import IntakeDialog
from dialogs.my_cases import MyCases
from domain.clock import Clock
from domain.intake import IntakeDraft
from domain.ports import user_reference_key
from domain.retention import PostedCards
from domain.services import CaseService
from jobs.intake_expiry_job import EXPIRED_MARKER, IntakeExpiry
from messages import text

HELP = frozenset({"hjälp", "help", "?"})
CANCEL = frozenset({"avbryt", "cancel", "stopp", "stop", "avsluta"})
MY_CASES = frozenset({"mina ärenden", "my cases", "ärenden"})
NEW = frozenset({"ny anmälan", "ny", "anmäl", "anmälan", "nytt ärende", "new report", "new", "report"})


def command_of(context: TurnContext) -> str:
    """Normalised text of a message: NFKC, lower case, single spaces, no trailing punctuation."""
    raw = unicodedata.normalize("NFKC", context.activity.text or "")
    return " ".join(raw.split()).lower().rstrip(".!")


class PersonalChat:
    def __init__(
        self,
        conversation_state: ConversationState,
        user_state: UserState,
        cases: CaseService,
        settings: Settings,
        clock: Clock,
        *,
        posted_cards: PostedCards | None = None,
        expiry: IntakeExpiry | None = None,
    ) -> None:
        self._profile = user_state.create_property("profile")
        self._drafts = conversation_state.create_property("intake_draft")
        self._expired = conversation_state.create_property(EXPIRED_MARKER)
        self._conversation_state = conversation_state
        self._expiry = expiry
        self._dialogs = DialogSet(conversation_state.create_property("dialog_state"))
        self._intake = IntakeDialog(
            self._drafts,
            self._profile,
            cases,
            settings,
            clock,
            posted_cards=posted_cards,
            draft_started=self._draft_started,
        )
        self._dialogs.add(self._intake)
        self._cases = cases
        self.my_cases = MyCases(cases)
        self._clock = clock
        self._max_draft_age = timedelta(minutes=settings.intake_expiry_minutes)

    async def greet(self, context: TurnContext) -> None:
        profile = await self._profile.get(context, dict)
        profile["greeted"] = True
        await context.send_activity(text("greeting", context.activity.locale))

    async def on_message(self, context: TurnContext) -> None:
        locale = context.activity.locale
        profile = await self._profile.get(context, dict)
        first_message = not profile.get("greeted")
        if first_message:
            await self.greet(context)
        await self._expire_abandoned_intake(context)
        dialog = await self._dialogs.create_context(context)
        value = context.activity.value if isinstance(context.activity.value, dict) else {}
        command = command_of(context)

        if command in HELP:
            await context.send_activity(text("help", locale))
            if dialog.active_dialog is not None:
                await context.send_activity(text("intake_in_progress", locale))
        elif command in CANCEL:
            had_something = dialog.active_dialog is not None or bool(await self._drafts.get(context))
            await dialog.cancel_all_dialogs()
            await self._intake.discard_draft(context, "cancelled")
            await context.send_activity(text("cancelled" if had_something else "nothing_to_cancel", locale))
        elif command in MY_CASES:
            await self.my_cases.show(context)
        elif MY_CASES_KEY in value:
            await self.my_cases.on_card(context, value)
        elif (number := MyCases.typed_number(command)) and dialog.active_dialog is None:
            await self.my_cases.ask(context, number)
        elif dialog.active_dialog is not None:
            await dialog.continue_dialog()
        elif INTAKE_KEY in value:
            await self._late_card_click(context, str(value.get("draft", "")))
        elif LIST_PROMPT_KEY in value:  # a question's card clicked after its intake ended
            await context.send_activity(text("stale_card", locale))
        elif command in NEW:
            if await self._drafts.get(context):
                await context.send_activity(text("resume_intake", locale))
            await dialog.begin_dialog(self._intake.id)
        elif not first_message:
            await context.send_activity(text("unknown_command", locale))

    async def ask_again(self, context: TurnContext) -> None:
        """After the identity guard refused an answer in the 1:1 chat: the open question again,
        so the user sees what to answer instead (the refused text itself is gone)."""
        activity = context.activity
        if activity.type != ActivityTypes.message or activity.conversation.conversation_type != "personal":
            return
        dialog = await self._dialogs.create_context(context)
        if dialog.active_dialog is not None:
            await dialog.reprompt_dialog()

    async def _draft_started(self, context: TurnContext, draft: IntakeDraft) -> None:
        if self._expiry is None:
            return
        activity = context.activity
        await self._expiry.schedule(
            draft,
            state_key=str(self._conversation_state.get_storage_key(context)),
            reference_key=user_reference_key(
                activity.from_property.id, activity.from_property.aad_object_id or ""
            ),
            conversation_id=activity.conversation.id,
        )

    async def _expire_abandoned_intake(self, context: TurnContext) -> None:
        if await self._expired.get(context):  # the expiry job deleted it while the user was away
            await self._expired.set(context, None)
            await context.send_activity(text("intake_expired_purged", context.activity.locale))
            return
        raw = await self._drafts.get(context)
        if not raw or not IntakeDraft.model_validate(raw).expired(self._clock(), self._max_draft_age):
            return
        await (await self._dialogs.create_context(context)).cancel_all_dialogs()
        await self._intake.discard_draft(context, "expired")
        hours = round(self._max_draft_age.total_seconds() / 3600, 1)
        await context.send_activity(text("intake_expired", context.activity.locale, hours=f"{hours:g}"))

    async def _late_card_click(self, context: TurnContext, draft_id: str) -> None:
        """A summary card clicked after its intake ended: a double click, or an old card."""
        case = await self._cases.cases.get(draft_id) if draft_id else None
        if case is not None:
            await context.send_activity(
                text("already_submitted", context.activity.locale, number=case.number)
            )
        else:
            await context.send_activity(text("stale_card", context.activity.locale))
