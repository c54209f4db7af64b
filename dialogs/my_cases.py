"""`mina ärenden` and withdrawing a case (1:1 chat).

Withdrawing takes two clicks on purpose: pick the case, then confirm on a card that says what
happens. A second withdrawal of the same case says it is already withdrawn.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext

from cards.my_cases_card import (
    INPUT_NUMBER,
    MY_CASES_KEY,
    create_my_cases_card,
    create_withdraw_confirm_card,
    create_withdraw_done_card,
)
from dialogs.intake_dialog import replace_card
from dialogs.submitter import submitter_of
from domain.case import FINAL_STATUSES, WITHDRAWABLE, Case, CaseError, Status
from domain.ports import VersionConflict
from domain.services import CaseService
from messages import text

log = logging.getLogger(__name__)

# "dra tillbaka SID-2026-0001" typed instead of clicked.
TYPED_WITHDRAW = re.compile(r"^(?:dra tillbaka|återkalla|withdraw)\s+(sid-\d{4}-\d{4,})$")


def in_showing_order(cases: list[Case]) -> list[Case]:
    """Open cases first, newest first; then the finished ones, most recently finished first."""
    open_cases = sorted((c for c in cases if c.is_open), key=lambda c: c.created_at, reverse=True)
    done = sorted((c for c in cases if not c.is_open), key=lambda c: c.updated_at, reverse=True)
    return open_cases + done


class MyCases:
    def __init__(self, cases: CaseService) -> None:
        self._cases = cases

    async def show(self, context: TurnContext) -> None:
        locale = context.activity.locale
        cases = in_showing_order(await self._cases.submitted_by(submitter_of(context)))
        if not cases:
            await context.send_activity(text("my_cases_none", locale))
            return
        withdrawable = [case for case in cases if case.status in WITHDRAWABLE]
        card = create_my_cases_card(cases, locale, withdrawable)
        await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    @staticmethod
    def typed_number(command: str) -> str | None:
        found = TYPED_WITHDRAW.match(command)
        return found.group(1).upper() if found else None

    async def on_card(self, context: TurnContext, value: dict[str, Any]) -> None:
        """A click on the list (pick a case) or on the confirmation (confirm / keep)."""
        answer = value.get(MY_CASES_KEY)
        number = str(value.get(INPUT_NUMBER) or "").strip().upper()
        if answer == "confirm":
            await self.withdraw(context, number)
        elif answer == "keep":
            case = await self._own_case(context, number)
            if case is not None:
                await replace_card(
                    context, create_withdraw_done_card(case, context.activity.locale, "withdraw_kept")
                )
                await context.send_activity(
                    text("withdraw_kept", context.activity.locale, number=case.number)
                )
        else:  # "withdraw": a case was picked on the list (or an older card's per-case button)
            await self.ask(context, number)

    async def ask(self, context: TurnContext, number: str) -> None:
        case = await self._own_case(context, number)
        if case is None or not await self._still_withdrawable(context, case):
            return
        card = create_withdraw_confirm_card(case, context.activity.locale)
        await context.send_activity(MessageFactory.attachment(CardFactory.adaptive_card(card)))

    async def withdraw(self, context: TurnContext, number: str) -> None:
        locale = context.activity.locale
        case = await self._own_case(context, number)
        if case is None or not await self._still_withdrawable(context, case):
            return
        try:
            await self._cases.withdraw(case.number, submitter_of(context), context.activity.conversation.id)
        except (CaseError, VersionConflict) as error:  # it moved on between the read and the write
            log.info("withdrawal refused: %s", type(error).__name__)
            fresh = await self._own_case(context, number)
            if fresh is not None and await self._still_withdrawable(context, fresh):
                await context.send_activity(text("error_conflict", locale))
            return
        await replace_card(context, create_withdraw_done_card(case, locale, "withdrawn"))
        await context.send_activity(text("withdrawn", locale, number=case.number))

    async def _own_case(self, context: TurnContext, number: str) -> Case | None:
        """The case by number if this user filed it; otherwise says so (never whose it is)."""
        case = await self._cases.cases.get_by_number(number) if number else None
        if case is None or case.submitter.id != submitter_of(context).id:
            await context.send_activity(
                text("withdraw_unknown", context.activity.locale, number=number or "?")
            )
            return None
        return case

    @staticmethod
    async def _still_withdrawable(context: TurnContext, case: Case) -> bool:
        if case.status in WITHDRAWABLE:
            return True
        locale = context.activity.locale
        if case.status is Status.WITHDRAWN:
            key = "withdraw_already"
        elif case.status in FINAL_STATUSES:
            key = "withdraw_closed"
        else:
            key = "withdraw_too_late"
        await context.send_activity(text(key, locale, number=case.number))
        return False
