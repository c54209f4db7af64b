"""What Teams renders, checked on everything the bot sends in the tests.

Teams shows at most 6 buttons on a hero card and 6 actions on an Adaptive Card (host config
`maxActions: 6`) and drops the rest without a word; a card should stay well under 28 KB. The
Agents Playground renders a 7th button, so only a check like this one catches it.
"""

from __future__ import annotations

import json
from typing import Any

MAX_ACTIONS = 6
MAX_CARD_BYTES = 28 * 1024


def _adaptive_violations(card: dict[str, Any], where: str) -> list[str]:
    found: list[str] = []
    actions = card.get("actions") or []
    if len(actions) > MAX_ACTIONS:
        found.append(f"{where}: {len(actions)} actions")
    for action in actions:
        if isinstance(action.get("card"), dict):  # Action.ShowCard's own card
            found += _adaptive_violations(action["card"], f"{where} > {action.get('title')}")
    for block in card.get("body") or []:
        if block.get("type") == "ActionSet" and len(block.get("actions") or []) > MAX_ACTIONS:
            found.append(f"{where}: an ActionSet with {len(block['actions'])} actions")
    return found


def card_violations(card: Any, content_type: str = "application/vnd.microsoft.card.adaptive") -> list[str]:
    if not isinstance(card, dict):
        return []
    if len(json.dumps(card, ensure_ascii=False).encode()) > MAX_CARD_BYTES:
        return [f"a card of {len(json.dumps(card).encode())} bytes"]
    if "hero" in content_type or "thumbnail" in content_type:
        buttons = card.get("buttons") or []
        return [f"a hero card with {len(buttons)} buttons"] if len(buttons) > MAX_ACTIONS else []
    return _adaptive_violations(card, card.get("type", "card"))


def activity_violations(activity: Any) -> list[str]:
    """Every card in an activity (a message, an update, an invoke response's card)."""
    if not isinstance(activity, dict):
        return []
    found: list[str] = []
    for attachment in activity.get("attachments") or []:
        found += card_violations(attachment.get("content"), str(attachment.get("contentType") or ""))
    if activity.get("type") == "application/vnd.microsoft.card.adaptive":  # an Action.Execute answer
        found += card_violations(activity.get("value"))
    return found


def assert_within_teams_limits(body: Any) -> None:
    """A response body of /api/messages: expectReplies activities or an invoke answer."""
    activities = body.get("activities") if isinstance(body, dict) and "activities" in body else [body]
    found = [problem for activity in activities or [] for problem in activity_violations(activity)]
    assert not found, f"beyond what Teams renders: {found}"
