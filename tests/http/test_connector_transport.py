"""Connector calls over the app's aiohttp session (adapters/connector_transport.py), through the
app's own ProactiveSender against the stand-in connector: each failure is classified as before,
each call is made once (the outbox is the one retry layer), and credentials sign every call."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from botbuilder.schema import Activity
from botframework.connector.auth import MicrosoftAppCredentials

from adapters.proactive import DeliveryFailed
from domain.ports import user_reference_key

CONVERSATION = "a:personal-anna"
KEY = user_reference_key("29:anna")


async def remember(bot: Any, service_url: str) -> None:
    reference = {
        "serviceUrl": service_url,
        "channelId": "msteams",
        "bot": {"id": "28:bot", "name": "Skyddad ID"},
        "user": {"id": "29:anna", "name": "Anna"},
        "conversation": {"id": CONVERSATION, "conversationType": "personal", "tenantId": "tenant-vnl"},
    }
    await bot.services.stores.references.save(KEY, reference)


async def failed_send(bot: Any) -> DeliveryFailed:
    with pytest.raises(DeliveryFailed) as failure:
        await bot.services.sender.send(KEY, Activity(type="message", text="Ditt ärende är tilldelat."))
    return failure.value


async def test_a_send_arrives_and_returns_its_id(bot) -> None:
    await remember(bot, bot.connector.url)
    sent = await bot.services.sender.send(KEY, Activity(type="message", text="Ditt ärende är tilldelat."))
    assert sent and bot.connector.to_conversation(CONVERSATION)[0]["id"] == sent
    assert bot.connector.authorizations == [""]  # local mode: no credentials, no header


async def test_a_429_keeps_its_retry_after_and_is_not_retried_here(bot) -> None:
    await remember(bot, bot.connector.url)
    bot.connector.fail_next = [(429, {"Retry-After": "7"})]
    failure = await failed_send(bot)
    assert (failure.permanent, failure.status, failure.retry_after) == (False, 429, 7.0)
    assert bot.connector.calls[CONVERSATION] == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 412])
async def test_a_server_error_is_transient_and_made_once(bot, status: int) -> None:
    await remember(bot, bot.connector.url)
    bot.connector.fail_next = [status]
    failure = await failed_send(bot)
    assert (failure.permanent, failure.status) == (False, status)
    assert bot.connector.calls[CONVERSATION] == 1


@pytest.mark.parametrize("status", [403, 404])
async def test_a_bot_removed_from_the_chat_is_permanent(bot, status: int) -> None:
    await remember(bot, bot.connector.url)
    bot.connector.refuse = {"a:": status}
    failure = await failed_send(bot)
    assert (failure.permanent, failure.status) == (True, status)
    assert "BotNotInConversationRoster" in str(failure)


async def test_a_connector_that_never_answers_times_out_as_transient(start_bot, settings_for) -> None:
    bot = await start_bot(settings_for(proactive_send_timeout_seconds=0.5))
    await remember(bot, bot.connector.url)
    bot.connector.hold()
    failure = await failed_send(bot)
    bot.connector.release()
    assert not failure.permanent and "timed out" in str(failure)


async def test_a_refused_connection_is_transient(bot) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    await remember(bot, f"http://127.0.0.1:{port}")
    failure = await failed_send(bot)
    assert not failure.permanent and "connection failed" in str(failure)


async def test_a_service_url_outside_the_allow_list_is_never_called(bot) -> None:
    await remember(bot, "https://evil.example/")
    failure = await failed_send(bot)
    assert "ForeignServiceUrl" in str(failure)
    assert bot.connector.authorizations == []


async def test_credentials_sign_every_call_with_their_current_token(
    start_bot, auth_settings, monkeypatch
) -> None:
    """Authenticated mode: the credentials are asked for each call (they cache and refresh their
    own token; Entra ID is out of reach here, so the token fetch is a stand-in)."""
    issued = iter(["issued-1", "issued-2"])
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: next(issued)
    )
    bot = await start_bot(auth_settings())
    await remember(bot, bot.connector.url)
    for _ in range(2):
        await bot.services.sender.send(KEY, Activity(type="message", text="Ditt ärende är tilldelat."))
    assert bot.connector.authorizations == ["Bearer issued-1", "Bearer issued-2"]
