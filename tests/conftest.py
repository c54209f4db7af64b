"""Fixtures shared by every test: the real app over HTTP, a fake connector, a movable clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from pydantic import AliasChoices

from adapters.model_codec import enable_cross_check
from bot import SERVICES, create_app
from config import Settings, load_settings
from tests.support.activities import Chat, User
from tests.support.fake_connector import FakeConnector
from tests.support.redis_server import RedisServer
from tests.support.watchdog import (  # noqa: F401  (a time limit per test phase: hooks, see there)
    pytest_configure,
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class RunningBot:
    server: TestServer
    http: ClientSession
    connector: FakeConnector
    settings: Settings
    clock: FakeClock

    @property
    def endpoint(self) -> str:
        return str(self.server.make_url("/api/messages"))

    @property
    def services(self) -> Any:
        return self.server.app[SERVICES]

    def chat(self, user: User, locale: str = "sv-SE") -> Chat:
        return Chat(self.http, self.endpoint, user, self.connector.url, locale)


# Read once, before `isolated_settings` clears the bot's variables for each test.
EXTERNAL_REDIS_URL = os.environ.get("REDIS_URL", "")


def _setting_env_names() -> set[str]:
    names: set[str] = set()
    for name, info in Settings.model_fields.items():
        names.add(name.upper())
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice) for choice in alias.choices)
    return names


@pytest.fixture(autouse=True, scope="session")
def _model_codec_cross_check() -> None:
    """Every schema model the suite's activities read or write also goes through msrest, and any
    difference from model_codec's result fails the test (adapters/model_codec.py)."""
    enable_cross_check()


@pytest.fixture(autouse=True)
def isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their settings explicitly: a PORT, HOST or REDIS_URL in the environment of
    the machine running them must not change what the bot under test does."""
    for name in _setting_env_names():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis for every suite that needs one: REDIS_URL when given, else a private server."""
    if EXTERNAL_REDIS_URL:
        yield EXTERNAL_REDIS_URL
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

    def make(*, durable: bool = False, extra: tuple[str, ...] = ()) -> RedisServer:
        server = RedisServer(tmp_path / f"redis-{len(servers)}", durable=durable, extra=extra)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.close()
    assert not fake.limit_violations, f"beyond what Teams renders: {fake.limit_violations}"


@pytest.fixture
def settings_for(tmp_path: Path):
    def make(**overrides: Any) -> Settings:
        return load_settings(_env_file=None, data_dir=tmp_path / "data", **overrides)

    return make


@pytest.fixture
async def start_bot(connector: FakeConnector, clock: FakeClock, settings_for):
    """Start the app (real HTTP, real botbuilder) with given settings; stopped after the test."""
    running: list[RunningBot] = []

    async def start(settings: Settings | None = None) -> RunningBot:
        settings = settings or settings_for()
        server = TestServer(create_app(settings, clock=clock), host="127.0.0.1")
        await server.start_server()
        bot = RunningBot(server, ClientSession(), connector, settings, clock)
        running.append(bot)
        return bot

    yield start
    for bot in running:
        await bot.http.close()
        await bot.server.close()


@pytest.fixture
async def bot(start_bot) -> RunningBot:
    return await start_bot()
