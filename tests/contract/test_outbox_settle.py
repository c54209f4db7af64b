"""The sweep's batched store operations on every backend: an item settles in one write (removal
or reschedule, its follow-ups, the send markers of what it sent), and a send claims its marker
and learns what is there in one round trip."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from domain.ports import OutboxItem, Settlement, Stores

LEASE = timedelta(minutes=2)
TTL = timedelta(minutes=2)
WEEK = timedelta(days=7)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)  # SQLite markers expire by the real clock here


async def test_claim_or_lookup_claims_a_free_key_and_reports_a_held_or_done_one(stores: Stores):
    first = await stores.markers.claim_or_lookup("k", TTL, done_ttl=WEEK)
    assert first.token is not None and first.found is None
    again = await stores.markers.claim_or_lookup("k", TTL, done_ttl=WEEK)
    assert again.token is None and again.found == ("claimed", None)
    await stores.markers.done("k", ["19:c;messageid=1", "1"], WEEK)
    done = await stores.markers.claim_or_lookup("k", TTL, done_ttl=WEEK)
    assert done.token is None and done.found == ("done", ["19:c;messageid=1", "1"])


async def test_claim_or_lookup_records_earlier_sends_done_first(stores: Stores):
    earlier = await stores.markers.claim_or_lookup("reply:0", TTL, done_ttl=WEEK)
    assert earlier.token is not None
    claim = await stores.markers.claim_or_lookup("reply:1", TTL, done={"reply:0": "a-1"}, done_ttl=WEEK)
    assert claim.token is not None
    assert await stores.markers.lookup("reply:0") == ("done", "a-1")
    await stores.markers.release("reply:0", earlier.token)  # a done marker is never released
    same = await stores.markers.claim_or_lookup("reply:0", TTL, done={"reply:0": "a-1"}, done_ttl=WEEK)
    assert same.token is None and same.found == ("done", "a-1")


async def test_one_of_many_concurrent_claim_or_lookups_wins(open_stores):
    replicas: list[Stores] = [await open_stores() for _ in range(3)]
    claims = await asyncio.gather(
        *(r.markers.claim_or_lookup("case-1:e0:reply", TTL, done_ttl=WEEK) for r in replicas * 4)
    )
    assert sum(claim.token is not None for claim in claims) == 1
    assert all(claim.found == ("claimed", None) for claim in claims if claim.token is None)


async def test_settling_removes_the_item_and_writes_its_follow_up_and_markers_at_once(stores: Stores):
    now = _now()
    await stores.due.schedule("reminder:1", now, {"kind": "reminder", "n": 1})
    (item,) = await stores.due.claim_due(now, 10, LEASE)
    follow = OutboxItem("reminder:2", now + timedelta(hours=4), {"kind": "reminder", "n": 2})
    settled = Settlement(then=(follow,), sent={"send:a": "activity-1", "send:b": None})
    assert await stores.due.settle(item, settled) is True
    assert await stores.markers.lookup("send:a") == ("done", "activity-1")
    assert await stores.markers.lookup("send:b") == ("done", None)
    assert await stores.due.claim_due(now + timedelta(hours=1), 10, LEASE) == []
    (next_item,) = await stores.due.claim_due(now + timedelta(hours=4), 10, LEASE)
    assert next_item.item_id == "reminder:2" and next_item.payload == follow.payload


async def test_a_settlement_whose_claim_was_lost_removes_nothing_but_still_records_the_sends(stores: Stores):
    now = _now()
    await stores.due.schedule("x", now, {"kind": "k"})
    (mine,) = await stores.due.claim_due(now, 10, LEASE)
    (theirs,) = await stores.due.claim_due(now + LEASE, 10, LEASE)  # my lease ran out
    assert await stores.due.settle(mine, Settlement(sent={"send:x": "a-9"})) is False
    assert await stores.markers.lookup("send:x") == ("done", "a-9")
    assert await stores.due.settle(theirs, Settlement()) is True
    assert await stores.due.claim_due(now + timedelta(days=1), 10, LEASE) == []


async def test_a_rescheduled_item_comes_back_with_its_new_payload_and_the_old_claim_is_void(stores: Stores):
    now = _now()
    await stores.due.schedule("y", now, {"kind": "k"})
    (item,) = await stores.due.claim_due(now, 10, LEASE)
    later = now + timedelta(seconds=30)
    retry = {"kind": "k", "retry": {"attempt": 1}}
    assert await stores.due.settle(item, Settlement(again_at=later, payload=retry, sent={"s": 1})) is True
    assert await stores.due.claim_due(later - timedelta(seconds=1), 10, LEASE) == []
    (back,) = await stores.due.claim_due(later, 10, LEASE)
    assert back.payload == retry and back.due_at == later
    assert await stores.due.complete(item) is False  # the first claim completes nothing
    assert await stores.markers.lookup("s") == ("done", 1)


async def test_a_follow_up_with_the_settled_items_id_survives_the_settlement(stores: Stores):
    now = _now()
    await stores.due.schedule("same", now, {"kind": "k", "n": 1})
    (item,) = await stores.due.claim_due(now, 10, LEASE)
    again = OutboxItem("same", now + timedelta(hours=1), {"kind": "k", "n": 2})
    await stores.due.settle(item, Settlement(then=(again,)))
    (back,) = await stores.due.claim_due(now + timedelta(hours=1), 10, LEASE)
    assert back.payload == {"kind": "k", "n": 2}
