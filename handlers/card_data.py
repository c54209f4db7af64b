"""What a case-card click may carry, as a typed model: anything else is a forged or broken click.

Teams sends the action's `data` as the card put it (the case id and the card's version) with the
card's inputs merged in by id. The model is strict: a version of `0.5`, `"1"` or `true`, a case
id that is a list, or an input that is not text is refused (with a card, audited) before any
handler runs. Unknown keys are ignored: Teams merges every input on the card into every click.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator

from cards.case_verbs import INPUT_ASSIGNEE, INPUT_REASON, INPUT_SERVICENOW, card_version
from domain.case import Action, Case, Person
from domain.reminders import ReminderKind

# Generous for the ids the bot has made (26 letters today); never free text.
CaseId = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Input = Annotated[StrictStr, Field(max_length=2_000)]


class CardData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    case_id: CaseId
    version: Annotated[StrictInt, Field(ge=0, le=1_000_000)]
    # Named as the card's input ids (cards.case_verbs.INPUT_*), which Teams uses as keys.
    servicenow: Input | None = None
    reason: Input | None = None
    assignee: Input | None = None


assert set(CardData.model_fields) >= {INPUT_SERVICENOW, INPUT_REASON, INPUT_ASSIGNEE}


# A cursor's offsets count open cases; far above any real queue, small enough to stay cheap.
Offset = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class PageData(BaseModel):
    """An overview card's paging click: where the window to show starts in each kind's index
    (domain.queue.Cursor), every kind named exactly once. Anything else is forged or broken."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    page: dict[ReminderKind, Offset]

    @field_validator("page")
    @classmethod
    def _every_kind(cls, page: dict[ReminderKind, int]) -> dict[ReminderKind, int]:
        if set(page) != set(ReminderKind):
            raise ValueError("a cursor names every reminder kind")
        return page


def parse_page_data(data: object) -> PageData | None:
    """The click's cursor, or None when it is not what the overview card sends."""
    try:
        return PageData.model_validate(data)
    except ValidationError:
        return None


def parse_card_data(data: object) -> CardData | None:
    """The click's data, or None when it is not what the bot's cards send."""
    try:
        return CardData.model_validate(data)
    except ValidationError:
        return None


def is_own_last_step(case: Case, clicked_version: int, action: Action, actor: Person) -> bool:
    """The case's latest event is exactly this actor's `action` on the card version clicked."""
    if card_version(case) != clicked_version + 1 or not case.events:
        return False
    last = case.events[-1]
    return last.action is action and last.actor.id == actor.id
