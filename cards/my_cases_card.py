"""`mina ärenden`: the submitter's cases in plain words, and withdrawing one with a confirmation.

One block per case: number and organisation, type and date, and where the case is now (with
her municipality's förvaltning, waiting for a handläggare, handled by whom and at which step,
or how it ended). Withdrawing is one choice list with one button, however many cases there
are, so the card never needs more than Teams' 6 actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cards.common import Card, adaptive_card, heading, paragraph
from domain.case import Case, Status
from domain.clock import STOCKHOLM
from domain.municipalities import genitive
from messages import literal, text

MY_CASES_KEY = "my_cases"  # Action.Submit data: {"my_cases": "withdraw" | "confirm" | "keep", "number": …}
INPUT_NUMBER = "number"
SHOWN_CASES = 12  # open ones first; enough for a screen, far below 28 KB
MAX_WITHDRAW_CHOICES = 50


def _date(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d")


def where_it_is(case: Case, locale: str | None) -> str:
    """The case's current step as the submitter would put it."""
    when = _date(case.updated_at)
    if case.status is Status.AWAITING_FORWARD:
        return text("mine_awaiting_forward", locale, org=genitive(case.organisation.display))
    if case.status in (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN):
        return text(f"mine_{case.status.value}", locale, date=when)
    key = f"mine_step_{case.status.value}"
    step = text(f"{key}_{case.kind.value}" if case.status is Status.RECEIVED else key, locale)
    if case.assignee is not None:
        return text("mine_assigned", locale, name=literal(case.assignee.name), step=step)
    if case.status is Status.RECEIVED:
        return text("mine_unassigned", locale)
    return text("mine_unassigned_step", locale, step=step)


def _case_block(case: Case, locale: str | None) -> dict[str, Any]:
    colour = "good" if case.status is Status.CLOSED else "default"
    return {
        "type": "Container",
        "separator": True,
        "items": [
            paragraph(text("mine_heading", locale, number=case.number, org=case.organisation.display)),
            paragraph(
                text(
                    "mine_meta",
                    locale,
                    kind=text(f"kind_{case.kind.value}", locale),
                    date=_date(case.created_at),
                ),
                isSubtle=True,
                spacing="none",
                size="small",
            ),
            paragraph(where_it_is(case, locale), spacing="small", color=colour),
        ],
    }


def _withdraw(withdrawable: Sequence[Case], locale: str | None) -> dict[str, Any]:
    choices = {
        "type": "Input.ChoiceSet",
        "id": INPUT_NUMBER,
        "label": text("input_withdraw_label", locale),
        "isRequired": True,
        "errorMessage": text("choice_list_error", locale),
        "value": withdrawable[0].number,
        "choices": [{"title": case.number, "value": case.number} for case in withdrawable],
    }
    submit = {
        "type": "Action.Submit",
        "title": text("button_withdraw_next", locale),
        "data": {MY_CASES_KEY: "withdraw"},
    }
    return {
        "type": "Action.ShowCard",
        "title": text("button_withdraw_pick", locale),
        "card": adaptive_card([choices], [submit]),
    }


def create_my_cases_card(cases: Sequence[Case], locale: str | None, withdrawable: Sequence[Case]) -> Card:
    """`cases` in the order to show (open first); at most SHOWN_CASES are listed."""
    body: list[dict[str, Any]] = [heading(text("my_cases_title", locale))]
    body += [_case_block(case, locale) for case in cases[:SHOWN_CASES]]
    if len(cases) > SHOWN_CASES:
        body.append(paragraph(text("my_cases_more", locale, count=len(cases) - SHOWN_CASES), isSubtle=True))
    actions = [_withdraw(withdrawable[:MAX_WITHDRAW_CHOICES], locale)] if withdrawable else []
    return adaptive_card(body, actions)


def create_withdraw_confirm_card(case: Case, locale: str | None) -> Card:
    def data(answer: str) -> dict[str, str]:
        return {MY_CASES_KEY: answer, INPUT_NUMBER: case.number}

    return adaptive_card(
        [
            heading(text("withdraw_confirm_title", locale, number=case.number)),
            paragraph(where_it_is(case, locale), isSubtle=True),
            paragraph(text("withdraw_confirm_body", locale)),
        ],
        [
            {
                "type": "Action.Submit",
                "title": text("button_withdraw_yes", locale),
                "style": "destructive",
                "data": data("confirm"),
            },
            {"type": "Action.Submit", "title": text("button_withdraw_no", locale), "data": data("keep")},
        ],
    )


def create_withdraw_done_card(case: Case, locale: str | None, key: str) -> Card:
    """Replaces the confirmation once answered, so it cannot be clicked again."""
    return adaptive_card([paragraph(text(key, locale, number=case.number))])
