"""What staff give the bot when they report a patient (method guide 3.1, 3.2, 4.1, 4.2).

The draft is filled one field at a time and kept between turns, so a user who must first
document the care episode, or who asks to change a field, never retypes what they gave.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.case import Case, CaseKind, Organisation, Person, Status
from domain.identity_guard import contains_identity_number

MAX_ID_LENGTH = 64


def new_case_id() -> str:
    """26 random lower-case letters (~122 bits, like a UUID) and no digits: the id travels in
    every card's data, and a hex UUID holds a digit run that passes as a samordningsnummer about
    once in 3,800 cases — the identity guard would then refuse every click on that card."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(26))


class Slot(StrEnum):
    """The draft's fields in the order they are asked."""

    ORGANISATION = "organisation"
    HAS_EPISODE = "has_episode"
    DOCUMENTED = "documented"
    PATIENT_ID = "patient_id"
    EPISODE_ID = "episode_id"
    PROTECTED = "protected_confirmed"


class IntakeDraft(BaseModel):
    draft_id: str
    started_at: datetime
    organisation: Organisation | None = None
    has_episode: bool | None = None
    documented: bool | None = None
    patient_id: str | None = None
    episode_id: str | None = None
    protected_confirmed: bool | None = None
    # Activity ids of the summary cards sent for this draft (they show the IDs; see retention).
    card_ids: list[str] = Field(default_factory=list)

    @classmethod
    def start(cls, now: datetime, organisation: Organisation | None = None) -> IntakeDraft:
        return cls(draft_id=new_case_id(), started_at=now, organisation=organisation)

    def wanted_slots(self) -> list[Slot]:
        """Type B (ongoing episode) also needs the documentation check and the episode ID."""
        episode = [Slot.DOCUMENTED, Slot.EPISODE_ID] if self.has_episode else []
        return [
            Slot.ORGANISATION,
            Slot.HAS_EPISODE,
            *episode[:1],
            Slot.PATIENT_ID,
            *episode[1:],
            Slot.PROTECTED,
        ]

    def next_slot(self) -> Slot | None:
        """The first field still missing; None when the draft is ready for the summary."""
        return next((slot for slot in self.wanted_slots() if getattr(self, slot.value) is None), None)

    def clear(self, slot: Slot) -> None:
        setattr(self, slot.value, None)
        if slot is Slot.HAS_EPISODE:
            self.documented = self.episode_id = None

    def expired(self, now: datetime, max_age: timedelta) -> bool:
        return now - self.started_at > max_age

    @property
    def kind(self) -> CaseKind:
        return CaseKind.B if self.has_episode else CaseKind.A

    def to_case(self, submitter: Person, now: datetime) -> Case:
        """The case to file; the draft id becomes the case id so a second submit finds it."""
        if self.next_slot() is not None or self.organisation is None or self.patient_id is None:
            raise ValueError("draft is not complete")
        return Case(
            id=self.draft_id,
            kind=self.kind,
            organisation=self.organisation,
            patient_id=self.patient_id,
            episode_id=self.episode_id if self.has_episode else None,
            submitter=submitter,
            created_at=now,
            updated_at=now,
            status=Status.RECEIVED,
        )


@dataclass(frozen=True)
class IdFormat:
    """A configurable identifier format: the regex to match in full and how to describe it."""

    pattern: str
    hint: str

    def matches(self, value: str) -> bool:
        """Whether `value` is in this format; an identity number never is, whatever the
        configured pattern admits (``[A-Za-z0-9-]{3,30}`` admits ``YY-MM-DD-NNNC``)."""
        return re.fullmatch(self.pattern, value) is not None and not contains_identity_number(value)


class IdProblem(StrEnum):
    EMPTY = "empty"
    IDENTITY_NUMBER = "identity_number"
    TOO_LONG = "too_long"
    BAD_FORMAT = "bad_format"


def clean_identifier(raw: str) -> str:
    """NFKC (full-width and other Unicode digits to ASCII), trimmed, inner spaces kept."""
    folded = "".join(
        str(unicodedata.digit(ch)) if ch.isdecimal() else ch for ch in unicodedata.normalize("NFKC", raw)
    )
    return " ".join(folded.split())


def check_identifier(raw: str, fmt: IdFormat) -> tuple[str, IdProblem | None]:
    """Clean `raw` and say what is wrong with it, if anything. A personnummer is refused even
    when it happens to match the configured pattern."""
    value = clean_identifier(raw)
    if not value:
        return value, IdProblem.EMPTY
    if contains_identity_number(raw) or contains_identity_number(value):
        return "", IdProblem.IDENTITY_NUMBER
    if len(value) > MAX_ID_LENGTH:
        return value, IdProblem.TOO_LONG
    if not fmt.matches(value):
        return value, IdProblem.BAD_FORMAT
    return value, None
