"""A store that does not answer raises StoreUnavailable from every operation, and an outage
leaves nothing half-written behind."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from adapters.redis_store import RedisStores
from adapters.sqlite_store import SqliteStores
from adapters.store_keys import KeyBuilder
from domain.ports import AuditEntry, CaseFilter, DueItem, Stores, StoreUnavailable
from tests.contract.test_store_contract import ANNA, new_case
from tests.support.redis_server import RedisServer, free_port

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

OPERATIONS: dict[str, Callable[[Stores], Awaitable[object]]] = {
    "ping": lambda s: s.ping(),
    "documents.read": lambda s: s.documents.read(["k"]),
    "documents.write": lambda s: s.documents.write({"k": {"n": 1}}),
    "documents.delete": lambda s: s.documents.delete(["k"]),
    "cases.create": lambda s: s.cases.create(new_case("c1")),
    "cases.get": lambda s: s.cases.get("c1"),
    "cases.get_by_number": lambda s: s.cases.get_by_number("SID-2026-0001"),
    "cases.list": lambda s: s.cases.list(CaseFilter(open_only=True)),
    "cases.update": lambda s: s.cases.update(new_case("c1")),
    "audit.append": lambda s: s.audit.append(AuditEntry(case_id="c1", at=T0, actor=ANNA, what="take")),
    "audit.entries": lambda s: s.audit.entries("c1"),
    "references.save": lambda s: s.references.save("user:x", {"a": 1}),
    "references.get": lambda s: s.references.get("user:x"),
    "due.schedule": lambda s: s.due.schedule("r1", T0, {}),
    "due.cancel": lambda s: s.due.cancel("r1"),
    "due.claim_due": lambda s: s.due.claim_due(T0, 10, timedelta(minutes=1)),
    "due.complete": lambda s: s.due.complete(DueItem("r1", T0, {}, "token")),
    "seen.first_seen": lambda s: s.seen.first_seen("act-1", timedelta(minutes=1)),
}


def _client(port: int, retries: int = 0) -> Redis:
    return Redis(
        host="127.0.0.1",
        port=port,
        socket_connect_timeout=0.5,
        socket_timeout=0.5,
        retry=Retry(NoBackoff(), retries),
        decode_responses=True,
    )


@pytest.fixture
async def unreachable() -> AsyncIterator[Stores]:
    stores = RedisStores(_client(free_port()))  # nothing listens there any more
    yield stores
    await stores.close()


@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_unreachable_redis_makes_every_operation_unavailable(
    unreachable: Stores, operation: str
) -> None:
    with pytest.raises(StoreUnavailable):
        await OPERATIONS[operation](unreachable)


async def test_from_url_reports_an_unreachable_redis_as_unavailable() -> None:
    stores = RedisStores.from_url(f"redis://127.0.0.1:{free_port()}/0")
    try:
        with pytest.raises(StoreUnavailable):
            await stores.ping()
    finally:
        await stores.close()


async def test_a_redis_outage_loses_nothing_acknowledged_and_leaves_nothing_half_written(
    redis_servers: Callable[..., RedisServer],
) -> None:
    server = redis_servers(durable=True)
    server.start()
    keys = KeyBuilder(prefix="outage")
    stores = RedisStores(_client(server.port, retries=1), keys)
    try:
        first = await stores.cases.create(new_case("c1"))
        server.stop(kill=True)
        for operation in ("ping", "cases.create", "cases.get", "due.claim_due"):
            with pytest.raises(StoreUnavailable):
                await OPERATIONS[operation](stores)

        server.start()
        await stores.ping()
        assert await stores.cases.get("c1") == first
        assert await stores.cases.get_by_number("SID-2026-0002") is None  # the failed create left no case
        second = await stores.cases.create(new_case("c2"))
        assert second.number == "SID-2026-0002"  # ... and used no number
        raw = _client(server.port)
        try:
            assert await raw.hgetall(keys.case_numbers()) == {"SID-2026-0001": "c1", "SID-2026-0002": "c2"}
            assert await raw.smembers(keys.cases_all()) == {"c1", "c2"}
        finally:
            await raw.aclose()
    finally:
        await stores.close()


async def test_a_sqlite_file_locked_past_the_busy_timeout_is_unavailable(tmp_path: Path) -> None:
    stores = await SqliteStores.open(tmp_path, busy_timeout=0.05)
    other = sqlite3.connect(tmp_path / "skyddad-id.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        for operation in ("cases.create", "documents.write", "due.claim_due", "seen.first_seen"):
            with pytest.raises(StoreUnavailable):
                await OPERATIONS[operation](stores)
        other.execute("ROLLBACK")
        assert (await stores.cases.create(new_case("c1"))).number == "SID-2026-0001"
        assert await stores.documents.read(["k"]) == {}
    finally:
        other.close()
        await stores.close()


async def test_a_closed_sqlite_store_is_unavailable(tmp_path: Path) -> None:
    stores = await SqliteStores.open(tmp_path)
    await stores.close()
    await stores.close()  # closing twice is harmless (app shutdown may race a test teardown)
    for operation in ("ping", "cases.get", "documents.write"):
        with pytest.raises(StoreUnavailable):
            await OPERATIONS[operation](stores)
