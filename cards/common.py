"""Small Adaptive Card (schema 1.5) building blocks shared by every card."""

from __future__ import annotations

from typing import Any

Card = dict[str, Any]
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def adaptive_card(
    body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, **extra: Any
) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    card.update(extra)
    return card


def heading(text: str, *, color: str = "default") -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": text,
        "weight": "bolder",
        "size": "medium",
        "wrap": True,
        "color": color,
    }


def paragraph(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


def facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def error_card(title: str, message: str) -> Card:
    return adaptive_card([heading(title, color="attention"), paragraph(message)])


def card_invoke_response(card: Card) -> dict[str, Any]:
    """The body Teams expects back from an Action.Execute: the card that replaces the old one."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}
