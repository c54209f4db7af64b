"""SendMarkers on every backend: one claimer wins, a release lets a retry claim, done sticks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.ports import Stores

TTL = timedelta(minutes=2)


async def test_one_of_many_concurrent_claims_wins(open_stores):
    replicas: list[Stores] = [await open_stores() for _ in range(3)]
    tokens = await asyncio.gather(*(r.markers.claim("case-1:e0:reply", TTL) for r in replicas * 4))
    assert sum(token is not None for token in tokens) == 1


async def test_a_released_claim_can_be_claimed_again_but_only_by_its_own_token(stores: Stores):
    token = await stores.markers.claim("k", TTL)
    assert token is not None
    await stores.markers.release("k", "someone-else")
    assert await stores.markers.claim("k", TTL) is None  # still held
    await stores.markers.release("k", token)
    assert await stores.markers.claim("k", TTL) is not None


async def test_done_keeps_its_result_and_cannot_be_claimed_or_released(stores: Stores):
    token = await stores.markers.claim("thread", TTL)
    assert token is not None and await stores.markers.lookup("thread") == ("claimed", None)
    await stores.markers.done("thread", ["19:c;messageid=1", "1"], timedelta(days=7))
    await stores.markers.release("thread", token)
    assert await stores.markers.lookup("thread") == ("done", ["19:c;messageid=1", "1"])
    assert await stores.markers.claim("thread", TTL) is None
    assert await stores.markers.lookup("never") is None
