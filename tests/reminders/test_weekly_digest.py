"""The weekly digest in the central channel: planned once per ISO week across replicas, sent once,
with counts from the idle index and the statistics; a jumping clock never makes it loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from redis.asyncio import Redis

from adapters.store_keys import KeyBuilder
from tests.contract.conftest import _delete_prefix
from tests.routing.conftest import CENTRAL, Team
from tests.support.activities import ANNA, KARIN

MONDAY_0800 = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm, ISO week 49


def digests(team: Team) -> list[str]:
    """Top-level posts in the central channel (not in a case thread) that are digests."""
    posted = [a.get("text") or "" for a in team.connector.to_conversation(CENTRAL)]
    return [t for t in posted if "Veckosammanfattning" in t]


async def planned(client: Redis, prefix: str) -> list[str]:
    keys = [str(key) for key in await client.hkeys(KeyBuilder(prefix=prefix).due_items())]
    return sorted(key for key in keys if key.startswith("digest:"))


async def test_two_replicas_post_one_digest_a_week(start_bot, team_settings, redis_url) -> None:
    prefix = f"siddigest-{uuid4().hex[:10]}"
    settings = team_settings(redis_url=redis_url, redis_key_prefix=prefix)
    first, second = Team(await start_bot(settings)), Team(await start_bot(settings))
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        assert await planned(client, prefix) == ["digest:2026-W49"]  # both replicas planned one item
        assert "central" in await first.link()
        kept = [await first.file(ANNA) for _ in range(2)]
        rejected = await first.file(ANNA)
        await first.drain()
        card = await first.click(KARIN, await first.view(KARIN, rejected), "case.take")
        card = await first.click(KARIN, card, "case.record_call")
        card = await first.click(KARIN, card, "case.record_address_update")
        await first.click(KARIN, card, "case.reject_not_protected", reason="Ingen markering")

        first.bot.clock.now = MONDAY_0800 - timedelta(minutes=1)
        await asyncio.gather(first.drain(), second.drain())
        assert digests(first) == []
        first.bot.clock.advance(minutes=2)
        await asyncio.gather(first.drain(), second.drain())
        await asyncio.gather(first.drain(), second.drain())
        (digest,) = digests(first)
        assert "vecka 49" in digest
        assert "**2** öppna ärenden, varav **2** försenade" in digest  # unassigned since Wednesday
        assert "**3** nya, **0** klara, **1** inte skyddad, **0** återtagna" in digest
        assert all(case.number not in digest for case in kept) and "P12345" not in digest
        assert await planned(client, prefix) == ["digest:2026-W50"]

        first.bot.clock.advance(days=7)
        await asyncio.gather(first.drain(), second.drain())
        await asyncio.gather(first.drain(), second.drain())
        assert len(digests(first)) == 2 and "vecka 50" in digests(first)[1]
        assert "**0** nya" in digests(first)[1]
        assert await planned(client, prefix) == ["digest:2026-W51"]
    finally:
        await client.aclose()
        await _delete_prefix(redis_url, KeyBuilder(prefix=prefix))


async def test_a_clock_far_ahead_skips_the_stale_digest_and_plans_the_next_in_the_future(team: Team) -> None:
    team.bot.clock.advance(days=30)  # Friday 25 December: the week-49 digest is long past
    assert await team.drain() >= 1
    assert await team.drain() == 0  # nothing due again at once: no loop
    assert digests(team) == []
    ahead = await team.bot.services.stores.due.claim_due(
        team.bot.clock() + timedelta(days=7), 10, timedelta(1)
    )
    (item,) = [i for i in ahead if i.item_id.startswith("digest:")]
    assert item.item_id == "digest:2026-W53" and item.due_at > team.bot.clock()


async def test_a_digest_a_few_hours_late_is_still_sent(team: Team) -> None:
    team.bot.clock.now = MONDAY_0800 + timedelta(hours=3)  # the bot was down at 08:00
    await team.drain()
    (digest,) = digests(team)
    assert "vecka 49" in digest and "**0** öppna ärenden" in digest


async def test_off_plans_no_digest(start_bot, team_settings) -> None:
    team = Team(await start_bot(team_settings(digest_schedule="off")))
    await team.link()
    team.bot.clock.now = MONDAY_0800 + timedelta(minutes=1)
    await team.drain()
    assert digests(team) == []
    later = await team.bot.services.stores.due.claim_due(MONDAY_0800 + timedelta(days=30), 50, timedelta(1))
    assert [i.item_id for i in later if i.item_id.startswith("digest:")] == []
