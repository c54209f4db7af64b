"""The staff-side intake cards: the summary (Skicka / Ändra / Avbryt) and what replaces it."""

from __future__ import annotations

from typing import Any

from cards.common import Card, adaptive_card, facts, heading, paragraph
from domain.case import Case
from domain.intake import IntakeDraft, Slot
from messages import text

INTAKE_KEY = "intake"  # Action.Submit data: {"intake": "submit" | "change" | "cancel", "draft": id}


def _submit(title: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data}


def _draft_facts(draft: IntakeDraft, locale: str | None, org_label: str) -> list[tuple[str, str]]:
    rows = [
        (text("summary_org", locale), org_label),
        (text("summary_kind", locale), text(f"kind_{draft.kind.value}", locale)),
        (text("summary_patient_id", locale), draft.patient_id or ""),
    ]
    if draft.has_episode:
        rows.append((text("summary_episode_id", locale), draft.episode_id or ""))
        rows.append((text("summary_documented", locale), text("yes", locale)))
    rows.append((text("summary_protected", locale), text("yes", locale)))
    return rows


def create_summary_card(draft: IntakeDraft, locale: str | None, org_label: str) -> Card:
    def data(action: str, **more: str) -> dict[str, Any]:
        return {INTAKE_KEY: action, "draft": draft.draft_id, **more}

    changeable = [
        (Slot.ORGANISATION, "summary_org"),
        (Slot.HAS_EPISODE, "summary_kind"),
        (Slot.PATIENT_ID, "summary_patient_id"),
    ]
    if draft.has_episode:
        changeable.append((Slot.EPISODE_ID, "summary_episode_id"))
    change_card = adaptive_card(
        [paragraph(text("change_what", locale))],
        [_submit(text(label, locale), data("change", field=slot.value)) for slot, label in changeable],
    )
    return adaptive_card(
        [
            heading(text("summary_title", locale)),
            paragraph(text("summary_intro", locale)),
            facts(_draft_facts(draft, locale, org_label)),
        ],
        [
            {**_submit(text("button_submit", locale), data("submit")), "style": "positive"},
            {"type": "Action.ShowCard", "title": text("button_change", locale), "card": change_card},
            _submit(text("button_cancel", locale), data("cancel")),
        ],
    )


def create_submitted_card(draft: IntakeDraft, case: Case, locale: str | None, org_label: str) -> Card:
    """Replaces the summary after submit, without buttons, so it cannot be sent twice."""
    return adaptive_card(
        [
            heading(text("submitted_title", locale, number=case.number), color="good"),
            facts(_draft_facts(draft, locale, org_label)),
        ]
    )
