"""Clustered Redis (Azure Managed Redis) runs a Lua script only when all its keys share a hash
slot. With a hash-tagged REDIS_KEY_PREFIX ("{sid}", as deployment/azure sets it) every key the
bot writes must carry that tag, so its whole keyspace lives in one slot."""

from __future__ import annotations

from uuid import uuid4

from redis.asyncio import Redis

from tests.routing.conftest import Team
from tests.support.activities import ANNA


async def all_keys(redis_url: str) -> set[str]:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        return {key async for key in client.scan_iter(count=1000)}
    finally:
        await client.aclose()


async def test_a_whole_case_writes_only_keys_under_the_hash_tagged_prefix(
    start_bot, team_settings, redis_url
):
    before = await all_keys(redis_url)
    tag = f"{{sid-{uuid4().hex[:8]}}}"
    team = Team(await start_bot(team_settings(redis_url=redis_url, redis_key_prefix=tag)))
    assert "central" in await team.link()
    await team.bot.chat(ANNA).say("ny anmälan")  # a draft in dialog state
    case = await team.file(ANNA)
    await team.drain()
    assert case.number and team.connector.created  # filed (Lua scripts) and its thread posted
    written = await all_keys(redis_url) - before
    families = {key.removeprefix(f"{tag}:").split(":")[0] for key in written}
    assert {"case", "ref", "seen", "doc"} <= families, written
    assert all(key.startswith(f"{tag}:") for key in written), sorted(written)
