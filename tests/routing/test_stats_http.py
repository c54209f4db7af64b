"""`@bot statistik` through the real app over HTTP: counts from the stores' counters, the card
within Teams' limits, admins in the central channel only, purged cases still counted."""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from uuid import uuid4

import pytest

from domain.statistics import LEAD, TAKE
from tests.contract.conftest import _delete_prefix
from tests.routing.conftest import (
    CENTRAL,
    CENTRAL_TEAM,
    ERIK,
    SUNDSVALL,
    SUNDSVALL_TEAM,
    Team,
)
from tests.support.activities import ANNA, KARIN, User


async def ask(team: Team, user: User, words: str, channel: str = CENTRAL, team_id: str = CENTRAL_TEAM) -> Any:
    """An @mention in a channel; the first reply's card, or its text when it has none."""
    (reply,) = await team.replies(team.mention(user, words, channel=channel, team=team_id))
    attachments = reply.get("attachments") or []
    return attachments[0]["content"] if attachments else reply.get("text")


def texts(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def bar_value(card: dict[str, Any], label: str) -> str:
    """The number shown at the end of the bar row labelled `label`."""
    for block in card["body"]:
        if block.get("type") == "ColumnSet" and block["columns"][0]["items"][0]["text"] == label:
            return str(block["columns"][-1]["items"][0]["text"])
    raise AssertionError(f"no bar {label!r}")


async def file_three_reject_one(team: Team) -> None:
    kept = await team.file(ANNA)
    await team.file(ANNA, episode="VT-1")
    rejected = await team.file(ANNA, municipality="Sundsvall")
    await team.drain()
    team.bot.clock.advance(hours=1)
    card = await team.click(KARIN, await team.view(KARIN, rejected), "case.take")
    card = await team.click(KARIN, card, "case.record_call")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason="Ingen markering")
    await team.click(KARIN, await team.view(KARIN, kept), "case.take")
    await team.drain()


async def test_statistik_counts_three_filed_and_one_rejected(team: Team) -> None:
    await file_three_reject_one(team)
    card = await ask(team, KARIN, "statistik")
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    shown = texts(card)
    assert "**3** inkomna ärenden (typ A 2, typ B 1)" in shown
    assert "**1** inte skyddad" in shown and "**0** klara" in shown
    assert bar_value(card, "nov 2026") == "3"
    assert bar_value(card, "Sundsvalls kommun") == "1"
    assert bar_value(card, "Region Västernorrland") == "2"
    assert bar_value(card, "Inte skyddad") == "1"
    assert "Väntan på handläggare" in shown  # two first takes, an hour after filing
    assert "P12345" not in shown and "VT-1" not in shown
    assert len(shown.encode()) < 28 * 1024 // 2


async def test_periods_and_a_bad_period(team: Team) -> None:
    await file_three_reject_one(team)
    assert "**3** inkomna" in texts(await ask(team, KARIN, "statistik 2026-11"))
    assert "**3** inkomna" in texts(await ask(team, KARIN, "statistik 2026"))
    assert "**0** inkomna" in texts(await ask(team, KARIN, "statistik 2025"))
    assert "Statistik okt 2026" in texts(await ask(team, KARIN, "statistik förra månaden"))
    assert "**3** inkomna" in texts(await ask(team, KARIN, "statistik 2026-10 till 2026-12"))
    assert "förstod inte perioden" in await ask(team, KARIN, "statistik någon gång")
    assert "högst 36 månader" in await ask(team, KARIN, "statistik 48 månader")
    english = await ask(team, KARIN, "statistics 3 months")
    assert "**3** inkomna" in texts(english)  # the words are English, the locale Swedish


async def test_admins_in_the_central_channel_only(team: Team) -> None:
    assert "administratörer" in await ask(team, ERIK, "statistik")
    assert "bara i förvaltningens kanal" in await ask(
        team, KARIN, "statistik", channel=SUNDSVALL, team_id=SUNDSVALL_TEAM
    )


async def test_a_closed_case_has_its_lead_time_and_still_counts_after_the_purge(team: Team) -> None:
    case = await team.file(ANNA)
    await team.drain()
    team.bot.clock.advance(hours=2)
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    for verb in ("case.record_call", "case.record_address_update", "case.confirm_protected"):
        card = await team.click(KARIN, card, verb)
    card = await team.click(KARIN, card, "case.record_process_closed")
    card = await team.click(KARIN, card, "case.record_sent_to_vendor", servicenow="INC0012345")
    team.bot.clock.advance(days=1)
    await team.click(KARIN, card, "case.record_vendor_confirmed")
    await team.drain()
    before = await team.bot.services.statistics.report("")
    assert before.ended["closed"] == 1
    assert {d.metric for d in before.durations} >= {TAKE, LEAD, "vendor"}

    team.bot.clock.advance(days=team.bot.settings.case_retention_days + 1)
    while await team.drain():
        pass
    purged = await team.bot.services.stores.cases.get(case.id)
    assert purged is not None and purged.purged_at is not None and purged.patient_id != "P12345"
    after = await team.bot.services.statistics.report("2026-11")
    assert after.ended == before.ended and after.durations == before.durations
    assert "**1** klara" in texts(await ask(team, KARIN, "statistik 2026-11"))


@pytest.mark.parametrize("backend", ["sqlite", "redis"])
async def test_a_store_from_before_the_statistics_is_counted_at_the_next_start(
    start_bot, team_settings, redis_url, backend: str
) -> None:
    """Cases written by an older version (no counters, not marked counted) are counted once when
    a new version starts: an old SQLite file (no column, no table) or a Redis without the keys."""
    redis = {"redis_url": redis_url, "redis_key_prefix": f"sidold-{uuid4().hex[:10]}"}
    settings = team_settings(**(redis if backend == "redis" else {}))
    old = Team(await start_bot(settings))
    await old.link()
    await file_three_reject_one(old)
    stores = old.bot.services.stores
    if backend == "sqlite":
        with sqlite3.connect(stores.path) as conn:  # the file as the version before wrote it
            conn.execute("DROP INDEX cases_uncounted")
            conn.execute("ALTER TABLE cases DROP COLUMN stats_counted")
            conn.execute("DROP TABLE stats")
    else:
        keys = stores.keys
        doomed = [key async for key in stores._client.scan_iter(match=keys.stats_month("*"))]
        await stores._client.delete(keys.cases_counted(), *doomed)
        assert (await old.bot.services.statistics.report("")).filed == 0

    new = Team(await start_bot(settings))  # the new version starts on the same store
    report = await new.bot.services.statistics.report("")
    assert report.filed == 3 and report.ended["rejected"] == 1
    assert {d.metric for d in report.durations} == {TAKE, "record_call", "record_address_update"}
    assert await new.bot.services.stores.stats.pending() == 0
    again = Team(await start_bot(settings))  # a third start counts nothing twice
    assert await again.bot.services.statistics.report("") == report
    if backend == "redis":
        await _delete_prefix(redis_url, stores.keys)
