"""A case write and what must follow it (audit entries, outbox items, a reminder) land together
or not at all, on every store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.ports import AuditEntry, FollowUps, OutboxItem, Stores, VersionConflict
from tests.contract.test_store_contract import ANNA, T0, new_case

FAR = timedelta(days=3650)


def _follow(case_id: str, what: str, *items: str) -> FollowUps:
    audit = (AuditEntry(case_id=case_id, at=T0, actor=ANNA, what=what, detail="Ström å ä"),)
    due = tuple(OutboxItem(item, T0, {"kind": item.split(":")[0], "case_id": case_id}) for item in items)
    return FollowUps(audit=audit, due=due)


async def _due_ids(stores: Stores) -> list[str]:
    return sorted(item.item_id for item in await stores.due.claim_due(T0 + FAR, 100, FAR))


async def test_create_stores_the_case_with_its_audit_and_outbox_items(stores: Stores) -> None:
    case = await stores.cases.create(new_case("c1"), _follow("c1", "filed", "case_filed:c1", "reminder:c1"))
    assert case.number
    entries = await stores.audit.entries("c1")
    assert [(e.what, e.detail) for e in entries] == [("filed", "Ström å ä")]
    items = await stores.due.claim_due(T0, 100, FAR)
    assert sorted(i.item_id for i in items) == ["case_filed:c1", "reminder:c1"]
    assert {i.payload["case_id"] for i in items} == {"c1"}


async def test_a_create_that_conflicts_writes_no_follow_ups(stores: Stores) -> None:
    await stores.cases.create(new_case("c1"), _follow("c1", "filed", "case_filed:c1"))
    with pytest.raises(VersionConflict):
        await stores.cases.create(new_case("c1"), _follow("c1", "filed-again", "other:c1"))
    assert [e.what for e in await stores.audit.entries("c1")] == ["filed"]
    assert await _due_ids(stores) == ["case_filed:c1"]


async def test_update_stores_its_follow_ups_and_a_stale_update_none(stores: Stores) -> None:
    created = await stores.cases.create(new_case("c1"))
    saved = await stores.cases.update(created, _follow("c1", "take", "case_changed:c1:1"))
    assert saved.version == created.version + 1
    with pytest.raises(VersionConflict):
        await stores.cases.update(created, _follow("c1", "stale", "case_changed:c1:stale"))
    assert [e.what for e in await stores.audit.entries("c1")] == ["take"]
    assert await _due_ids(stores) == ["case_changed:c1:1"]


async def test_a_claimed_item_rescheduled_by_a_case_write_is_a_new_job(stores: Stores) -> None:
    await stores.due.schedule("reminder:c1", T0, {"kind": "reminder"})
    (claimed,) = await stores.due.claim_due(T0, 10, timedelta(minutes=5))
    await stores.cases.create(new_case("c1"), _follow("c1", "filed", "reminder:c1"))
    assert not await stores.due.complete(claimed)  # the old claim completes nothing
    assert await _due_ids(stores) == ["reminder:c1"]
