"""The same purge on Redis with persistence on: after the purge the bot asks Redis to rewrite its
AOF, and then no byte of the identifiers is left in any file Redis keeps, nor in a DUMP of any
of the bot's keys.

The private server runs with `rdbcompression no`: the AOF's RDB preamble (and a dump.rdb)
compress long strings with LZF, which would hide an identifier from a byte scan and make the
scan pass for the wrong reason. The scan is also shown to find the IDs before the purge."""

from __future__ import annotations

import asyncio
from pathlib import Path

from redis.asyncio import Redis

from domain.case import Status
from tests.privacy.conftest import PATIENT_ID, TeamsChat, leaks
from tests.routing.conftest import Team
from tests.support.activities import ANNA, KARIN

PREFIX = "sidpurge"
REASON = f"Ingen sekretessmarkering hittades för {PATIENT_ID}"


def redis_files(workdir: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(workdir)): path.read_bytes()
        for path in sorted(workdir.rglob("*"))
        if path.is_file() and path.name != "redis.log"
    }


async def rewrite_aof(client: Redis, *, ask: bool) -> None:
    """Wait for a rewrite the bot asked for (or ask for one, to look before the purge)."""
    if ask:
        await client.bgrewriteaof()
    for _ in range(400):
        info = await client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            await asyncio.sleep(0.2)  # Redis deletes the replaced AOF files in the background
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the AOF rewrite did not finish")


async def dumps(url: str) -> dict[str, bytes]:
    raw = Redis.from_url(url)  # bytes, as DUMP returns them
    try:
        return {key.decode(): await raw.dump(key) or b"" async for key in raw.scan_iter(match=f"{PREFIX}:*")}
    finally:
        await raw.aclose()


async def test_a_purge_leaves_no_identifier_in_the_aof_or_in_any_key(
    start_bot, team_settings, clock, redis_servers
):
    server = redis_servers(durable=True, extra=("--rdbcompression", "no"))
    server.start()
    client = Redis.from_url(server.url, decode_responses=True)
    settings = team_settings(redis_url=server.url, redis_key_prefix=PREFIX, case_retention_days=30)
    team = Team(await start_bot(settings))
    assert "central" in await team.link()
    await TeamsChat(team, ANNA).file_type_b()
    await team.drain()
    (case,) = await team.bot.services.stores.cases.list()
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason=REASON)
    await team.drain()
    case = await team.case(case.id)  # with where routing posted its card
    assert case.status is Status.REJECTED
    await rewrite_aof(client, ask=True)
    assert leaks(redis_files(server.workdir)), "the scan must see the IDs while they are kept"
    assert leaks(await dumps(server.url)), "and so must the DUMP of the keys"
    await team.bot.http.close()
    await team.bot.server.close()

    clock.advance(days=31)
    team = Team(await start_bot(settings))
    await team.drain()
    assert (await team.case(case.id)).purged_at is not None
    await rewrite_aof(client, ask=False)  # the purge asked for it
    assert leaks(await dumps(server.url)) == []
    assert leaks(redis_files(server.workdir)) == []
    updated = [u for u in team.connector.updated if u["_replaces"] == case.card_activity_id]
    assert updated and PATIENT_ID not in str(updated[-1])
    await client.aclose()
