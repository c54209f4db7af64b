"""What a case's cards become once the retention purge has blanked the patient's identifiers.

Built from the purged case only: nothing here could show a Patient ID even if asked to.
"""

from __future__ import annotations

from cards.case_texts import next_step_text, organisation_label, stockholm_time
from cards.common import Card, adaptive_card, facts, heading, paragraph
from domain.case import Case
from domain.retention import ended_at
from messages import text


def _rows(case: Case, locale: str | None) -> list[tuple[str, str]]:
    end = ended_at(case) or case.updated_at
    return [
        (text("summary_org", locale), organisation_label(case, locale)),
        (text("summary_kind", locale), text(f"kind_{case.kind.value}", locale)),
        (text("purged_outcome", locale), next_step_text(case, locale)),
        (text("case_received", locale), stockholm_time(case.created_at)),
        (text("purged_ended", locale), stockholm_time(end)),
    ]


def create_purged_case_card(case: Case, locale: str | None = None) -> Card:
    """The root card of the case's channel thread after the purge: a closed summary, no buttons,
    no refresh (Teams would otherwise ask for a per-admin view)."""
    return adaptive_card(
        [
            heading(text("purged_title", locale, number=case.number)),
            facts(_rows(case, locale)),
            paragraph(text("purged_note", locale), isSubtle=True, size="small"),
        ],
        msteams={"width": "Full"},
    )


def create_purged_personal_card(case: Case, locale: str | None = None) -> Card:
    """The submitter's summary / confirmation card in the 1:1 chat after the purge."""
    return adaptive_card(
        [
            heading(text("purged_personal_title", locale, number=case.number)),
            facts(_rows(case, locale)),
            paragraph(text("purged_note", locale), isSubtle=True, size="small"),
        ]
    )


def create_discarded_intake_card(reason: str, locale: str | None = None) -> Card:
    """An unsent intake's summary card once the draft (and its Patient ID) is deleted: `reason`
    is "expired" (left too long) or "cancelled"."""
    return adaptive_card(
        [
            heading(text(f"{reason}_intake_title", locale), color="attention"),
            paragraph(text(f"{reason}_intake_body", locale)),
        ]
    )
