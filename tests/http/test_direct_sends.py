"""Proactive calls go straight to the connector client (adapters/connector_calls.py), and Teams
receives what botbuilder's proactive turn sent: each test makes the same call both ways on the
production app (create_app) against the stand-in connector — botbuilder's own
`continue_conversation` / `create_conversation` turn, run through the app's adapter and
middleware as before, and the app's ProactiveSender — and compares what arrived."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticationConstants, MicrosoftAppCredentials

from adapters.bot_adapter import FixedCloudAdapter
from adapters.inbound_auth import _GuardedConnectorFactory
from adapters.metrics import REGISTRY
from adapters.model_codec import from_json
from tests.http.conftest import APP_ID
from tests.support.numbers import personnummer

USER_KEY, CHANNEL_KEY, CHANNEL = "user:aad-anna", "channel:19:central@thread.tacv2", "19:central@thread.tacv2"
NUMBER = personnummer("470815", "238")  # synthetic, valid check digit


def reference(service_url: str, conversation: dict[str, Any]) -> dict[str, Any]:
    return {
        "serviceUrl": service_url,
        "channelId": "msteams",
        "locale": "en-US",  # as Teams sends it: the stored reference has one, the event had none
        "bot": {"id": "28:bot", "name": "Skyddad ID"},
        "user": {"id": "29:anna", "name": f"Anna {NUMBER}", "aadObjectId": "aad-anna"},
        "conversation": {**conversation, "tenantId": "tenant-vnl"},
    }


async def remember(bot: Any) -> None:
    references = bot.services.stores.references
    await references.save(
        USER_KEY, reference(bot.connector.url, {"id": "a:anna", "conversationType": "personal"})
    )
    await references.save(
        CHANNEL_KEY, reference(bot.connector.url, {"id": CHANNEL, "conversationType": "channel"})
    )


async def stored(bot: Any, key: str, conversation_id: str | None = None) -> ConversationReference:
    found = from_json(ConversationReference, await bot.services.stores.references.get(key))
    if conversation_id is not None:
        found.conversation.id = conversation_id
    return found


def card() -> Activity:
    content = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Ärende"}]}
    return Activity(
        type="message",
        text="Ärende SID-2026-0001",
        attachments=[Attachment(content_type="application/vnd.microsoft.card.adaptive", content=content)],
    )


async def botbuilder_turn(bot: Any, found: ConversationReference, logic: Any) -> None:
    """The proactive turn every send ran before: CloudAdapter's continue_conversation."""
    adapter = bot.services.adapter
    await super(FixedCloudAdapter, adapter).continue_conversation(found, logic, bot.settings.app_id)


def same_requests(bot: Any, reply_to: tuple[str | None, str | None] = (None, None)) -> None:
    """The last two requests (the SDK's, then ours) alike: method, path (each a reply to its
    own fresh id, `reply_to`), every header, in order."""
    before, after = (dict(r) for r in bot.connector.requests[-2:])
    for request, fresh in zip((before, after), reply_to, strict=True):
        if fresh:
            request["path"] = request["path"].replace(fresh, "{replyToId}")
    assert list(after["headers"].items()) == list(before["headers"].items())
    assert (after["method"], after["path"]) == (before["method"], before["path"])


def addressed(arrived: dict[str, Any]) -> dict[str, Any]:
    """What arrived, less what differs per call by design (ids) — checked on its own."""
    assert arrived["replyToId"] == arrived["_reply_to"]  # reply_to_activity, to the event's own id
    return {k: v for k, v in arrived.items() if k not in ("id", "replyToId", "_reply_to")}


@pytest.mark.parametrize("language", ["auto", "sv"])
@pytest.mark.parametrize("thread", [False, True])
async def test_a_send_arrives_as_botbuilder_sent_it(
    start_bot, settings_for, language: str, thread: bool
) -> None:
    bot = await start_bot(settings_for(language=language))
    await remember(bot)
    key, conversation_id = (CHANNEL_KEY, f"{CHANNEL};messageid=7") if thread else (USER_KEY, None)
    for activity in (card(), Activity(text="Ditt ärende är tilldelat.", summary="tilldelat")):

        async def logic(context: TurnContext, activity: Activity = activity) -> None:
            await context.send_activity(activity)

        await botbuilder_turn(bot, await stored(bot, key, conversation_id), logic)
        if thread:
            sent = await bot.services.sender.reply_in_thread(key, str(conversation_id), activity)
        else:
            sent = await bot.services.sender.send(key, activity)
        before, after = bot.connector.sent[-2:]
        same_requests(bot, (before["replyToId"], after["replyToId"]))
        assert sent == after["id"]
        assert addressed(after) == addressed(before)
        assert before["replyToId"] != after["replyToId"]  # a fresh id each call, as the event's
        assert after["from"] == {"id": "28:bot", "name": "Skyddad ID"}
        assert after["recipient"]["id"] == "29:anna" and NUMBER not in json.dumps(after)
        assert after["conversation"]["id"] == (conversation_id or "a:anna")
        assert (after["serviceUrl"], after["channelId"], after["inputHint"]) == (
            bot.connector.url,
            "msteams",
            "acceptingInput",
        )
        assert after.get("locale") == {"auto": None, "sv": "sv-SE"}[language]
        assert activity.conversation is None and activity.reply_to_id is None  # the caller's untouched


async def test_a_card_update_arrives_as_botbuilder_sent_it(bot) -> None:
    await remember(bot)
    thread = f"{CHANNEL};messageid=7"
    old = card()
    old.id, old.reply_to_id = "activity-3", None  # what ProactiveSender.update set before

    async def logic(context: TurnContext) -> None:
        await context.update_activity(old)

    await botbuilder_turn(bot, await stored(bot, CHANNEL_KEY, thread), logic)
    await bot.services.sender.update(CHANNEL_KEY, thread, "activity-3", card())
    same_requests(bot)
    before, after = bot.connector.updated
    assert before["replyToId"] and after["replyToId"] and before["replyToId"] != after["replyToId"]
    del before["replyToId"], after["replyToId"]
    assert after == before
    assert (after["_replaces"], after["id"], after["conversation"]["id"]) == (
        "activity-3",
        "activity-3",
        thread,
    )


async def test_a_new_thread_is_created_as_botbuilder_created_it(bot) -> None:
    await remember(bot)
    found = await stored(bot, CHANNEL_KEY)
    parameters = ConversationParameters(
        is_group=True,
        bot=ChannelAccount(id=found.bot.id, name=found.bot.name),
        channel_data={"channel": {"id": CHANNEL}},
        activity=card(),
        tenant_id=found.conversation.tenant_id,
    )
    seen: list[tuple[str, str]] = []

    async def logic(context: TurnContext) -> None:
        seen.append((context.activity.conversation.id, context.activity.id))

    adapter = bot.services.adapter
    await super(FixedCloudAdapter, adapter).create_conversation(
        bot.settings.app_id, logic, parameters, found.channel_id, found.service_url
    )
    ids = await bot.services.sender.start_thread(CHANNEL_KEY, card())
    same_requests(bot)
    before, after = bot.connector.created
    for params in (before, after):  # the stand-in wrote its ids into the first activity
        del params["activity"]["_conversation"], params["activity"]["id"]
    assert after == before
    assert seen == [(f"{CHANNEL};messageid=1", "1")]  # the connector's answers, as the turn saw them
    assert ids == (f"{CHANNEL};messageid=2", "2")


async def test_one_client_serves_every_call_to_a_service_url(bot, monkeypatch) -> None:
    built: list[str] = []
    asked: list[str] = []
    client_init, factory_create = ConnectorClient.__init__, _GuardedConnectorFactory.create

    def spy_init(self: ConnectorClient, credentials: object, base_url: str, **kwargs: object) -> None:
        built.append(base_url)
        client_init(self, credentials, base_url=base_url, **kwargs)

    async def spy_create(self: Any, service_url: str, audience: str) -> Any:
        asked.append(service_url)
        return await factory_create(self, service_url, audience)

    monkeypatch.setattr(ConnectorClient, "__init__", spy_init)
    monkeypatch.setattr(_GuardedConnectorFactory, "create", spy_create)
    await remember(bot)
    counted = {op: delivered(op) for op in ("send", "update", "create")}
    sender = bot.services.sender
    conversation_id, card_id = await sender.start_thread(CHANNEL_KEY, card())
    for _ in range(3):
        await sender.send(USER_KEY, Activity(type="message", text="Ditt ärende är tilldelat."))
        await sender.reply_in_thread(
            CHANNEL_KEY, conversation_id, Activity(type="message", text="Tilldelat.")
        )
        await sender.update(CHANNEL_KEY, conversation_id, card_id, card())
    assert built == [bot.connector.url] and asked == [bot.connector.url]
    assert len(bot.connector.sent) == 7 and len(bot.connector.updated) == 3
    # /metrics counts them as deliveries (sid_delivery_duration_seconds), not as turns
    assert {op: delivered(op) - n for op, n in counted.items()} == {"send": 6, "update": 3, "create": 1}


def delivered(operation: str) -> float:
    return REGISTRY.get_sample_value("sid_delivery_duration_seconds_count", {"operation": operation}) or 0.0


async def test_authenticated_calls_carry_the_apps_token(start_bot, auth_settings, monkeypatch) -> None:
    """With an app id every call (send, reply, update, new thread) is signed by the app's own
    credentials for the channel's scope (Entra ID is out of reach: the token is a stand-in)."""
    monkeypatch.setattr(
        MicrosoftAppCredentials,
        "get_access_token",
        lambda self, force_refresh=False: f"for-{self.microsoft_app_id}-{self.oauth_scope}",
    )
    bot = await start_bot(auth_settings())
    await remember(bot)
    sender = bot.services.sender
    conversation_id, card_id = await sender.start_thread(CHANNEL_KEY, card())
    await sender.send(USER_KEY, Activity(type="message", text="Ditt ärende är tilldelat."))
    await sender.reply_in_thread(CHANNEL_KEY, conversation_id, Activity(type="message", text="Tilldelat."))
    await sender.update(CHANNEL_KEY, conversation_id, card_id, card())
    scope = AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
    assert bot.connector.authorizations == [f"Bearer for-{APP_ID}-{scope}"] * 4


async def test_the_adapter_starts_no_proactive_turn(bot) -> None:
    """Nothing may run a proactive turn by mistake (it would run inbound middleware and the
    user-facing error handler): the adapter refuses both."""
    await remember(bot)
    found = await stored(bot, USER_KEY)
    with pytest.raises(NotImplementedError):
        await bot.services.adapter.continue_conversation(found, lambda context: None, "")
    with pytest.raises(NotImplementedError):
        await bot.services.adapter.create_conversation("", lambda context: None, ConversationParameters())
