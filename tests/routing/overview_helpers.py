"""Driving `@bot översikt` and its card over real HTTP, on either store."""

from __future__ import annotations

import re
from typing import Any

from tests.routing.conftest import CENTRAL, Team
from tests.support.activities import User

NUMBER = re.compile(r"SID-\d{4}-\d{4}")


async def overview_replies(
    team: Team, user: User, *, words: str = "översikt", channel: str = CENTRAL, locale: str = "sv-SE"
) -> list[dict[str, Any]]:
    """`@bot översikt` typed in a thread of `channel`: the reply activities."""
    activity = team.mention(user, words, channel=channel, locale=locale)
    activity["channelData"]["team"]["aadGroupId"] = "group-lifecare"
    return await team.replies(activity)  # checks every card against Teams' limits


async def overview_card(team: Team, user: User, **kwargs: Any) -> dict[str, Any]:
    replies = await overview_replies(team, user, **kwargs)
    (reply,) = replies
    (attachment,) = reply["attachments"]
    card: dict[str, Any] = attachment["content"]
    return card


def action(card: dict[str, Any], title: str) -> dict[str, Any] | None:
    return next((a for a in card.get("actions", []) if title in a.get("title", "")), None)


async def page(
    team: Team, user: User, data: Any, *, channel: str = CENTRAL, verb: str = "overview.page"
) -> tuple[int, Any]:
    """An Action.Execute on the overview card (a click on Nästa, Föregående or Uppdatera)."""
    return await team.invoke(user, verb, data, conversation=f"{channel};messageid=77", channel=channel)


async def click(team: Team, user: User, card: dict[str, Any], title: str) -> dict[str, Any]:
    found = action(card, title)
    assert found is not None, f"no {title} on {[a.get('title') for a in card.get('actions', [])]}"
    status, body = await page(team, user, found["data"], verb=found["verb"])
    assert status == 200 and body["statusCode"] == 200, body
    next_card: dict[str, Any] = body["value"]
    return next_card


def rows(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in card["body"] if block.get("type") == "Container"]


def row_text(row: dict[str, Any]) -> str:
    return "\n".join(item["text"] for item in row["items"])


def numbers(card: dict[str, Any]) -> list[str]:
    """The case numbers of the card's rows, top to bottom."""
    return [NUMBER.findall(row_text(row))[0] for row in rows(card)]
