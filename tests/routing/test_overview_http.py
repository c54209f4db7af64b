"""`@bot översikt` over real HTTP on both stores: every open case, most urgent first, a page at a
time; admins only, central channel only; the paging cursor is strict card data."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cards.overview_card import PAGE_SIZE
from domain.reminders import ReminderKind
from jobs.case_places import CasePlace
from tests.routing.conftest import CENTRAL, ERIK, SUNDSVALL, Team
from tests.routing.overview_helpers import (
    action,
    click,
    numbers,
    overview_card,
    overview_replies,
    page,
    row_text,
    rows,
)
from tests.support.activities import ANNA, KARIN, LARS, MARIA, TENANT
from tests.support.teams_limits import MAX_ACTIONS, MAX_CARD_BYTES


def cursor(**offsets: Any) -> dict[str, Any]:
    return {"page": {kind.value: offsets.get(kind.value, 0) for kind in ReminderKind}}


async def test_lists_every_open_case_most_urgent_first_with_a_link_to_its_thread(central: Team):
    first = await central.file(ANNA)  # 10:00 Stockholm
    central.bot.clock.advance(hours=1)
    second = await central.file(MARIA, municipality="Sundsvall")
    central.bot.clock.advance(hours=1)
    held = await central.file(ANNA, episode="VT-2026-77")
    await central.drain()
    await central.click(KARIN, await central.view(KARIN, held), "case.take")
    central.bot.clock.advance(hours=3, minutes=30)  # 15:30: both unassigned ones past their 4 office hours

    card = await overview_card(central, KARIN)

    assert numbers(card) == [first.number, second.number, held.number]
    assert "Öppna ärenden (3)" in card["body"][0]["text"]
    assert "1–3 av 3 · 2 försenade" in json.dumps(card, ensure_ascii=False)
    top, middle, bottom = (row_text(row) for row in rows(card))
    assert "Typ A · Region Västernorrland" in top and "Typ A · Sundsvalls kommun" in middle
    assert "⚠️ **försenat 1,5 arbetstimmar**" in top and "försenat 0,5 arbetstimmar" in middle
    assert "Ring anmälaren för personnumret" in top  # the case card's own words for the step
    assert "Handläggare: ingen ännu · 5,5 arbetstimmar sedan anmälan" in top
    assert "Typ B" in bottom and "försenat" not in bottom and "Handläggare: Karin Holm" in bottom
    assert rows(card)[0]["style"] == "attention" and "style" not in rows(card)[2]
    assert "P12345" not in json.dumps(card) and "VT-2026-77" not in json.dumps(card)

    place = await central.bot.services.places.get(first.id)
    root = place.thread.split(";messageid=")[1]
    link = top.split("](", 1)[1].split(")", 1)[0]
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "teams.microsoft.com")
    assert parts.path == f"/l/message/19%3Acentral-cases%40thread.tacv2/{root}"
    assert parse_qs(parts.query) == {
        "tenantId": [TENANT],
        "groupId": ["group-lifecare"],
        "parentMessageId": [root],
        "createdTime": [root],
    }
    assert [a["title"] for a in card["actions"]] == ["Uppdatera"]  # one page: nothing to page to


async def test_two_hundred_open_cases_page_through_within_teams_limits(central: Team):
    filed = []
    for n in range(200):
        case = await central.file(ANNA if n % 2 else MARIA, chat=n < 2)
        filed.append(case)
        # Where routing records the thread it posted, so every row carries a link. (Routing
        # itself would take ~35 s here: it paces posts to one channel by Teams' rate limits.)
        root = str(1_764_000_000_000 + n)
        await central.bot.services.places.save(case.id, CasePlace(f"{CENTRAL};messageid={root}", root))
        central.bot.clock.advance(minutes=1)
    central.bot.clock.advance(days=2)

    card = await overview_card(central, KARIN)
    seen: list[str] = []
    pages = [card]
    while True:
        size = len(json.dumps(card, ensure_ascii=False).encode())
        assert size < MAX_CARD_BYTES and len(card.get("actions", [])) <= MAX_ACTIONS
        assert len(rows(card)) <= PAGE_SIZE
        assert all("](https://teams.microsoft.com/l/message/" in row_text(row) for row in rows(card))
        seen += numbers(card)
        if action(card, "Nästa") is None:
            break
        card = await click(central, LARS, card, "Nästa")  # within Teams' 5 s (Team.invoke checks)
        pages.append(card)
    assert seen == [case.number for case in filed]  # every one once, the oldest (most overdue) first
    assert len(pages) == -(-200 // PAGE_SIZE)
    assert f"{200 - len(rows(card)) + 1}–200 av 200" in json.dumps(card, ensure_ascii=False)

    back = await click(central, KARIN, card, "Föregående")
    assert numbers(back) == numbers(pages[-2])
    again = await click(central, KARIN, back, "Uppdatera")
    assert numbers(again) == numbers(back)
    assert action(pages[0], "Föregående") is None


async def test_non_admins_and_other_channels_are_refused(central: Team):
    await central.file(ANNA)
    await central.drain()
    (reply,) = await overview_replies(central, ERIK)
    assert reply["text"] == "Bara förvaltningens administratörer kan se översikten." and not reply.get(
        "attachments"
    )
    (reply,) = await overview_replies(central, KARIN, channel=SUNDSVALL)
    assert "bara i förvaltningens kanal" in reply["text"] and not reply.get("attachments")

    card = await overview_card(central, KARIN)
    refresh = action(card, "Uppdatera")
    assert refresh is not None
    status, body = await page(central, ERIK, refresh["data"])
    assert status == 200 and "Inte tillåtet" in json.dumps(body, ensure_ascii=False)
    assert "SID-" not in json.dumps(body)
    status, body = await page(central, KARIN, refresh["data"], channel=SUNDSVALL)
    assert status == 200 and "Inte tillåtet" in json.dumps(body, ensure_ascii=False)
    audit = await central.bot.services.stores.audit.entries("-")
    assert [e.detail for e in audit[-2:]] == ["not_admin:overview.page", "wrong_conversation:overview.page"]


@pytest.mark.parametrize(
    "data",
    [
        cursor(unassigned=-1),
        cursor(unassigned="15"),
        cursor(unassigned=True),
        cursor(unassigned=1.5),
        cursor(unassigned=10**9),
        {"page": {"unassigned": 0}},  # a kind missing
        {"page": {**cursor()["page"], "everything": 0}},  # a kind no store has
        {"page": [0, 0, 0, 0]},
        {"page": None},
        {},
        "page",
    ],
)
async def test_a_forged_cursor_is_refused_and_audited(central: Team, data: Any):
    status, body = await page(central, KARIN, data)
    assert status == 200 and "uppgifter jag inte kan läsa" in json.dumps(body, ensure_ascii=False)
    audit = await central.bot.services.stores.audit.entries("-")
    assert (audit[-1].what, audit[-1].detail) == ("refused", "invalid_data:overview.page")


async def test_a_stale_cursor_past_the_end_shows_the_start_again(central: Team):
    cases = []
    for n in range(3):
        cases.append(await central.file(ANNA, chat=n == 0))
        central.bot.clock.advance(minutes=1)
    await central.drain()
    status, body = await page(central, KARIN, cursor(unassigned=40, step_idle=7))
    assert status == 200 and body["statusCode"] == 200
    card = body["value"]
    assert "Listan har ändrats" in json.dumps(card, ensure_ascii=False)
    assert numbers(card) == [case.number for case in cases]


async def test_in_english_when_teams_is_english(central: Team):
    await central.file(ANNA)
    await central.drain()
    card = await overview_card(central, KARIN, words="overview", locale="en-US")
    text = json.dumps(card, ensure_ascii=False)
    assert "Open cases (1)" in text and "Type A" in text and "Assignee: nobody yet" in text
    assert [a["title"] for a in card["actions"]] == ["Refresh"]
    (reply,) = await overview_replies(central, ERIK, words="overview", locale="en-US")
    assert reply["text"] == "Only the administration's admins can see the overview."
