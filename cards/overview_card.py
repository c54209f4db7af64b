"""`@bot översikt`: the central team's open cases on one card, most urgent first, a page at a time.

Paged rather than grouped: urgency is one order across steps and assignees, and a page keeps the
card the same size however long the queue is (PAGE_SIZE rows, three buttons: Föregående, Nästa,
Uppdatera). Each row: the case number linking to its thread, type, organisation, the next step
in the case card's words, the assignee, the age in business hours, and an overdue flag. Nothing
here ever shows a Patient ID or care-episode ID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from cards.case_texts import next_step_text, stockholm_time
from cards.common import Card, adaptive_card, heading, paragraph
from domain.queue import Cursor, QueueRow, QueueWindow
from messages import language, literal, text

OVERVIEW_PAGE = "overview.page"  # Action.Execute verb; data {"page": {kind: offset}}
PAGE_SIZE = 15  # a screen or two in Teams; 15 rows of the longest texts stay far below 28 KB


@dataclass(frozen=True)
class TeamContext:
    """What a link to a channel message needs besides the message: from the activity."""

    tenant_id: str = ""
    group_id: str = ""  # the team's Entra group id (channelData.team.aadGroupId)


def thread_link(thread: str, team: TeamContext) -> str | None:
    """Teams' deep link to a channel message: the case card at the root of its thread.

    A thread's conversation id is "<channel id>;messageid=<root message id>"; the root is the
    message to open and its own parent (`parentMessageId`). None when the id has no root.
    """
    channel, _, root = thread.partition(";messageid=")
    if not channel or not root:
        return None
    query = {
        "tenantId": team.tenant_id,
        "groupId": team.group_id,
        "parentMessageId": root,
        "createdTime": root,
    }
    params = urlencode({key: value for key, value in query.items() if value})
    return f"https://teams.microsoft.com/l/message/{quote(channel, safe='')}/{quote(root, safe='')}?{params}"


def hours_text(hours: float, locale: str | None) -> str:
    shown = f"{hours:.1f}"
    return shown.replace(".", ",") if language(locale) == "sv" else shown


def _row(row: QueueRow, link: str | None, locale: str | None) -> dict[str, Any]:
    case = row.case
    number = f"[{case.number}]({link})" if link else case.number
    title = text(
        "overview_row",
        locale,
        number=number,
        kind=text("overview_kind", locale, kind=case.kind.value),
        org=literal(case.organisation.display),
    )
    if row.overdue_hours is not None:
        title += text("overview_overdue", locale, hours=hours_text(row.overdue_hours, locale))
    assignee = literal(case.assignee.name) if case.assignee else text("case_unassigned", locale)
    who = text("overview_meta", locale, assignee=assignee, age=hours_text(row.age_hours, locale))
    return {
        "type": "Container",
        "separator": True,
        **({"style": "attention"} if row.overdue_hours is not None else {}),
        "items": [
            paragraph(title),
            paragraph(next_step_text(case, locale), spacing="none", size="small"),
            paragraph(who, spacing="none", size="small", isSubtle=True),
        ],
    }


def _page_action(title: str, cursor: Cursor) -> dict[str, Any]:
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": OVERVIEW_PAGE,
        "data": {"page": {kind.value: offset for kind, offset in cursor.items()}},
    }


def create_overview_card(
    window: QueueWindow,
    start: Cursor,
    links: Mapping[str, str],
    now: datetime,
    locale: str | None,
    note: str = "",
) -> Card:
    """One page of the queue; `start` is this page's cursor (the Uppdatera button shows it again),
    `links` case id → its thread's deep link."""
    body: list[dict[str, Any]] = [heading(text("overview_title", locale, count=window.open_total))]
    if note:
        body.append(paragraph(note, color="warning"))
    if window.rows:
        summary = text(
            "overview_summary",
            locale,
            first=window.position + 1,
            last=window.position + len(window.rows),
            total=window.open_total,
            overdue=window.overdue_total,
            when=stockholm_time(now),
        )
    else:
        summary = text("overview_empty", locale, when=stockholm_time(now))
    body.append(paragraph(summary, isSubtle=True, size="small", spacing="none"))
    body += [_row(row, links.get(row.case.id), locale) for row in window.rows]
    actions = []
    if window.preceding is not None:
        actions.append(_page_action(text("button_overview_previous", locale), window.preceding))
    if window.following is not None:
        actions.append(_page_action(text("button_overview_next", locale), window.following))
    actions.append(_page_action(text("button_overview_refresh", locale), start))
    return adaptive_card(body, actions)
