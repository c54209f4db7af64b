"""Connector and token clients are built only for turns that use them (adapters/connector_clients.py)."""

from __future__ import annotations

import pytest
from botframework.connector.aio import ConnectorClient
from botframework.connector.token_api.aio import TokenApiClient

from tests.support.activities import ANNA, personal_activity


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The base URL of every ConnectorClient the SDK constructs (a spy on the SDK class)."""
    urls: list[str] = []
    original = ConnectorClient.__init__

    def spy(self: ConnectorClient, credentials: object, base_url: str, **kwargs: object) -> None:
        urls.append(base_url)
        original(self, credentials, base_url=base_url, **kwargs)

    monkeypatch.setattr(ConnectorClient, "__init__", spy)
    return urls


@pytest.fixture
def token_clients(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every TokenApiClient (sign-in tokens; this bot has no sign-in) the SDK constructs."""
    made: list[str] = []
    original = TokenApiClient.__init__

    def spy(self: TokenApiClient, *args: object, **kwargs: object) -> None:
        made.append("token client")
        original(self, *args, **kwargs)

    monkeypatch.setattr(TokenApiClient, "__init__", spy)
    return made


async def test_expect_replies_and_invokes_build_no_client(bot, built, token_clients) -> None:
    chat = bot.chat(ANNA)
    assert "ny anmälan" in await chat.say("hjälp")
    status, _ = await chat.invoke("no.such.verb", {})
    assert status == 200
    assert built == [] and token_clients == []


async def test_a_turn_that_replies_through_the_connector_builds_one(bot, built, token_clients) -> None:
    chat = bot.chat(ANNA)
    status, _ = await chat.post(personal_activity(ANNA, bot.connector.url, type="message", text="hjälp"))
    assert status in (200, 201)
    assert built == [bot.connector.url] and token_clients == []
    assert any("ny anmälan" in text for text in bot.connector.texts())
