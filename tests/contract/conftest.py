"""Fixtures that run one contract suite against every store backend, on real engines.

Redis tests start their own `redis-server` on a free port (or use REDIS_URL when set); each test
gets a unique key prefix and removes only its own keys, so no FLUSHALL ever touches a Redis we
did not start. A missing `redis-server` fails the run: skipping would hide that the production
backend went untested.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.redis_store import RedisStores
from adapters.sqlite_store import SqliteStores
from adapters.store_keys import KeyBuilder
from domain.ports import Stores

BACKENDS = ["sqlite", "redis"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A private redis-server process. `durable=True` turns on AOF with fsync on every write, so
    a test can kill it and restart it to see exactly what had been acknowledged."""

    def __init__(self, workdir: Path, port: int | None = None, *, durable: bool = False) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is not installed (apt-get install redis-server): "
                "the Redis contract tests need it and never skip"
            )
        self.binary = binary
        self.workdir = workdir
        self.port = port or free_port()
        self.durable = durable
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        )
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += [*persistence, "--dir", str(self.workdir), "--logfile", str(self.workdir / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not _answers_ping(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = (self.workdir / "redis.log").read_text(errors="replace")[-2000:]
                pytest.fail(f"redis-server did not start on port {self.port}:\n{log}")
            time.sleep(0.02)

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis for the contract suite: REDIS_URL when given, else a private server."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_servers(tmp_path: Path) -> Iterator[Callable[..., RedisServer]]:
    """Private servers a test may kill and restart; all stopped at the end."""
    servers: list[RedisServer] = []

    def make(*, durable: bool = False) -> RedisServer:
        server = RedisServer(tmp_path / f"redis-{len(servers)}", durable=durable)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


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
