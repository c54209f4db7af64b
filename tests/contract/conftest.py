"""Fixtures that run one contract suite against every store backend, on real engines.

Redis tests start their own `redis-server` on a free port (or use REDIS_URL when set); each test
gets a unique key prefix and removes only its own keys, so no FLUSHALL ever touches a Redis we
did not start. A missing `redis-server` fails the run: skipping would hide that the production
backend went untested.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.redis_store import RedisStores
from adapters.sqlite_db import SqliteDatabase
from adapters.sqlite_store import SqliteStores
from adapters.store_keys import KeyBuilder
from domain.ports import Stores

BACKENDS = ["sqlite", "redis"]


async def _delete_prefix(url: str, keys: KeyBuilder) -> None:
    client = Redis.from_url(url, decode_responses=True)
    try:
        doomed = [key async for key in client.scan_iter(match=keys.pattern(), count=500)]
        if doomed:
            await client.delete(*doomed)
    finally:
        await client.aclose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


OpenStores = Callable[[], Awaitable[Stores]]


@pytest.fixture
async def open_stores(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[OpenStores]:
    """Opens Stores that all share one backend location (the same SQLite file, or the same Redis
    key prefix) — as separate replicas or processes would. Closes them all afterwards."""
    opened: list[Stores] = []
    url = request.getfixturevalue("redis_url") if backend == "redis" else ""
    keys = KeyBuilder(prefix=f"sidtest-{uuid4().hex[:12]}")

    async def open_one() -> Stores:
        stores: Stores
        if backend == "redis":
            stores = RedisStores.from_url(url, keys=keys)
        else:
            stores = await SqliteStores.open(tmp_path / "data")
        opened.append(stores)
        return stores

    yield open_one
    for stores in opened:
        await stores.close()
    if backend == "redis":
        await _delete_prefix(url, keys)


@pytest.fixture
async def stores(open_stores: OpenStores) -> Stores:
    return await open_stores()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    """The embedded store's SqliteDatabase on a fresh file, with one table t (k TEXT, v INTEGER)."""
    db = await SqliteDatabase.open(tmp_path / "db.sqlite3")
    await db.write(lambda conn: conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)"))
    yield db
    await db.close()
