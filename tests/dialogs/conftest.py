"""Every intake conversation runs on both stores: the embedded default and Redis."""

from __future__ import annotations

from uuid import uuid4

import pytest
from redis.asyncio import Redis


@pytest.fixture(params=["sqlite", "redis"])
async def bot(request: pytest.FixtureRequest, start_bot, settings_for):
    if request.param == "sqlite":
        yield await start_bot()
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"sidtest-{uuid4().hex[:12]}"
    yield await start_bot(settings_for(redis_url=url, redis_key_prefix=prefix))
    client = Redis.from_url(url, decode_responses=True)
    try:
        doomed = [key async for key in client.scan_iter(match=f"{prefix}:*", count=500)]
        if doomed:
            await client.delete(*doomed)
    finally:
        await client.aclose()
