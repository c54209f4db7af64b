"""model_codec gives exactly msrest's results for the activities Teams sends and the bot answers.

Each case is compared with `same` (equal and of the same types all the way down) against msrest
itself, and must come from the compiled plans, not from the fallback to msrest (`fast_*`).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.core.serializer_helper import DEPENDICIES_DICT
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    AttachmentLayoutTypes,
    CardAction,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ExpectedReplies,
    HeroCard,
    Mention,
    SuggestedActions,
)
from botbuilder.schema.teams import TeamsChannelData
from botframework.connector.aio import ConnectorClient
from msrest import Deserializer, Serializer
from msrest.authentication import BasicAuthentication

from adapters.model_codec import (
    FastDeserializer,
    FastSerializer,
    card_answer_to_json,
    from_json,
    same,
    to_json,
    use_fast_codec,
)
from adapters.model_plans import fast_from_json, fast_to_json
from cards.common import adaptive_card, card_invoke_response, error_card, facts, heading
from tests.support.activities import ANNA, BOT, KARIN, TENANT, personal_activity

SERVICE = "https://smba.trafficmanager.net/emea/"
CHANNEL = "19:central@thread.tacv2"
CHANNEL_DATA = {
    "teamsChannelId": CHANNEL,
    "teamsTeamId": "19:team@thread.tacv2",
    "channel": {"id": CHANNEL, "name": "Skyddad ID"},
    "team": {"id": "19:team@thread.tacv2", "name": "LifeCare SP", "aadGroupId": "group-1"},
    "tenant": {"id": TENANT},
    "settings": {"selectedChannel": {"id": CHANNEL}},
}
CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "SID-2026-0001", "wrap": True, "size": "Large"}],
    "actions": [
        {"type": "Action.Execute", "verb": "take", "data": {"case": "c1", "version": 3}, "title": "Ta"}
    ],
    "refresh": {"action": {"type": "Action.Execute", "verb": "refresh"}, "userIds": ["29:karin"]},
}


def _channel(text: str, **fields: Any) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "type": "message",
        "text": text,
        "conversation": {
            "id": f"{CHANNEL};messageid=1700",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        "channelData": CHANNEL_DATA,
    }
    return personal_activity(KARIN, SERVICE, **(channel | fields))


INBOUND: dict[str, dict[str, Any]] = {
    "message": personal_activity(
        ANNA,
        SERVICE,
        type="message",
        text="ny anmälan",
        textFormat="plain",
        timestamp="2026-12-08T00:12:48.1234567Z",
        localTimestamp="2026-12-08T01:12:48.123+01:00",
        localTimezone="Europe/Stockholm",
        entities=[
            {
                "type": "clientInfo",
                "locale": "sv-SE",
                "country": "SE",
                "platform": "Web",
                "timezone": "Europe/Stockholm",
            }
        ],
        attachments=[],
        deliveryMode="expectReplies",
    ),
    "submit": personal_activity(
        ANNA, SERVICE, type="message", value={"choice": "ja", "n": 2, "x": None, "f": 1.5}
    ),
    "invoke": personal_activity(
        KARIN,
        SERVICE,
        type="invoke",
        name="adaptiveCard/action",
        value={
            "action": {"type": "Action.Execute", "verb": "take", "data": {"case": "c1", "version": 3}},
            "trigger": "manual",
        },
        replyToId="1700",
    ),
    "conversationUpdate": _channel(
        "",
        type="conversationUpdate",
        membersAdded=[{"id": BOT["id"]}, {"id": "29:lars", "name": "Lars", "aadObjectId": "aad-lars"}],
        membersRemoved=[],
    )
    | {"channelData": {**CHANNEL_DATA, "eventType": "teamMemberAdded"}},
    "installationUpdate": personal_activity(ANNA, SERVICE, type="installationUpdate", action="add"),
    "messageReaction": personal_activity(
        ANNA, SERVICE, type="messageReaction", reactionsAdded=[{"type": "like"}], replyToId="1699"
    ),
    "channel mention": _channel(
        "<at>Skyddad ID</at> koppla kanal",
        entities=[
            {
                "type": "mention",
                "text": "<at>Skyddad ID</at>",
                "mentioned": {"id": BOT["id"], "name": "Skyddad ID"},
            },
            {"type": "clientInfo", "locale": "sv-SE"},
        ],
    ),
    "attachments": personal_activity(
        ANNA,
        SERVICE,
        type="message",
        text="bifogat",
        attachments=[
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": CARD},
            {"contentType": "text/html", "content": "<p>hej</p>"},
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "contentUrl": "https://example.invalid/f.pdf",
                "name": "f.pdf",
                "content": {
                    "downloadUrl": "https://example.invalid/f.pdf",
                    "uniqueId": "u1",
                    "fileType": "pdf",
                },
            },
        ],
    ),
    "unknown keys": personal_activity(ANNA, SERVICE, type="message", text="x", rawKey={"a": [1, None]})
    | {"from": {**ANNA.account(), "extra": "kept"}, "recipient": {**BOT, "role": "bot"}},
}


@pytest.mark.parametrize("name", INBOUND)
def test_inbound_activities_read_and_write_as_msrest_does(name: str) -> None:
    data = copy.deepcopy(INBOUND[name])
    fast = fast_from_json(Activity, data)
    assert same(fast, Activity().deserialize(data))
    assert same(from_json(Activity, data), fast)
    assert data == INBOUND[name]  # the parsed body is not changed
    assert same(fast_to_json(fast), fast.serialize())
    reference = TurnContext.get_conversation_reference(fast)
    assert same(fast_to_json(reference), reference.serialize())
    stored = json.loads(json.dumps(reference.serialize()))
    assert same(fast_from_json(ConversationReference, stored), ConversationReference().deserialize(stored))
    if fast.channel_data is not None:
        channel = fast.channel_data
        assert same(fast_from_json(TeamsChannelData, channel), TeamsChannelData().deserialize(channel))
    for entity in fast.entities or []:
        assert same(fast_to_json(entity), entity.serialize())


def _replies() -> list[Activity]:
    inbound = Activity().deserialize(INBOUND["message"])
    hero = HeroCard(title="Välj", buttons=[CardAction(type="imBack", title="Ja", value="ja")])
    mention = Mention(
        mentioned=ChannelAccount(id="29:anna", name="Anna"), text="<at>Anna</at>", type="mention"
    )
    replies = [
        MessageFactory.text("Hej!"),
        MessageFactory.attachment(CardFactory.adaptive_card(CARD)),
        MessageFactory.attachment(
            CardFactory.adaptive_card(adaptive_card([heading("Sammanfattning"), facts([("Typ", "A")])]))
        ),
        MessageFactory.attachment(CardFactory.hero_card(hero)),
        MessageFactory.suggested_actions([CardAction(type="imBack", title="Nej", value="nej")], "Fortsätt?"),
        Activity(type=ActivityTypes.message, text="<at>Anna</at> tog ärendet", entities=[mention]),
        Activity(type="typing", attachment_layout=AttachmentLayoutTypes.carousel),
        Activity(
            type=ActivityTypes.message,
            text="tid",
            timestamp=datetime(2026, 12, 8, 1, 2, 3, 450000, tzinfo=timezone(timedelta(hours=1))),
            local_timestamp=datetime(2026, 12, 8, 0, 2, 3, tzinfo=UTC),
            suggested_actions=SuggestedActions(to=["29:anna"], actions=[]),
        ),
    ]
    return [
        TurnContext.apply_conversation_reference(reply, TurnContext.get_conversation_reference(inbound))
        for reply in replies
    ]


@pytest.mark.parametrize("index", range(len(_replies())))
def test_replies_and_the_expect_replies_answer_write_as_msrest_does(index: int) -> None:
    reply = _replies()[index]
    assert same(fast_to_json(reply), reply.serialize())
    answer = ExpectedReplies(activities=[reply, MessageFactory.text("och en till")])
    assert same(fast_to_json(answer), answer.serialize())
    assert same(to_json(answer), answer.serialize())


def test_a_card_invoke_body_and_a_new_thread_write_as_msrest_does() -> None:
    invoke_reply = Activity(
        type="invokeResponse", value=card_invoke_response(error_card("Fel", "Försök igen"))
    )
    assert same(fast_to_json(invoke_reply), invoke_reply.serialize())
    parameters = ConversationParameters(
        is_group=True,
        channel_data={"channel": {"id": CHANNEL}},
        activity=MessageFactory.attachment(CardFactory.adaptive_card(CARD)),
        bot=ChannelAccount(**BOT),
        tenant_id=TENANT,
    )
    assert same(fast_to_json(parameters), parameters.serialize())


def test_a_card_click_answer_writes_as_msrest_does_with_the_card_itself() -> None:
    """The Action.Execute answer passes the card as is (no copy): the same JSON as msrest's."""
    card = adaptive_card([heading("SID-2026-0001"), facts([("Status", "Mottaget")])], [])
    body = card_invoke_response(card)
    answer = AdaptiveCardInvokeResponse(
        status_code=body["statusCode"], type=body["type"], value=body["value"]
    )
    written = card_answer_to_json(answer, DEPENDICIES_DICT)
    assert same(written, Serializer(DEPENDICIES_DICT)._serialize(answer))
    assert written["value"] is card
    assert json.dumps(written) == json.dumps(Serializer(DEPENDICIES_DICT)._serialize(answer))


def _client() -> ConnectorClient:
    return ConnectorClient(BasicAuthentication("", ""), base_url=SERVICE)


def test_the_connector_client_writes_bodies_and_reads_answers_as_msrest_does() -> None:
    client = _client()
    models = client._serialize.dependencies
    slow_out, slow_in = Serializer(models), Deserializer(models)
    use_fast_codec(client)
    assert isinstance(client.conversations._serialize, FastSerializer)
    assert isinstance(client.attachments._deserialize, FastDeserializer)
    fast_out, fast_in = client.conversations._serialize, client.conversations._deserialize
    for reply in _replies():
        assert same(fast_out.body(reply, "Activity"), slow_out.body(copy.deepcopy(reply), "Activity"))
        assert same(fast_to_json(reply, models), slow_out.body(reply, "Activity"))
    for target, answer in [
        ("ResourceResponse", '{"id": "1:abc"}'),
        (
            "ConversationResourceResponse",
            '{"id": "19:x;messageid=1", "activityId": "1", "serviceUrl": "s", "more": 1}',
        ),
        ("ErrorResponse", '{"error": {"code": "BotNotInConversationRoster", "message": "no"}}'),
    ]:
        assert same(fast_in(target, answer, "application/json"), slow_in(target, answer, "application/json"))
        assert same(
            fast_from_json(models[target], json.loads(answer), models), slow_in(target, json.loads(answer))
        )


@pytest.mark.parametrize(
    "body",
    [
        {"type": "message", "timestamp": "yesterday"},
        {"type": "message", "membersAdded": "everyone"},
        {"type": "message", "entities": [5]},
        {"type": 5, "text": {"a": 1}, "from": {"id": 7}},
        {"type": "message", "attachments": [{"content": {"a": [1, 2.5, True, None]}}], "value": None},
        {"type": "message", "conversation": {"isGroup": "true"}},
    ],
)
def test_odd_bodies_end_as_msrest_ends_them(body: dict[str, Any]) -> None:
    try:
        expected: Any = Activity().deserialize(body)
    except Exception as exc:
        with pytest.raises(type(exc)):
            from_json(Activity, body)
    else:
        assert same(from_json(Activity, body), expected)
        assert same(to_json(expected), expected.serialize())


def test_python_values_the_bot_sets_write_as_msrest_writes_them() -> None:
    reply = MessageFactory.text("x")
    reply.channel_data = {
        "notification": {"alert": True},
        "when": datetime(2026, 1, 2, tzinfo=UTC),
        "n": (1, 2),
    }
    reply.importance = 7  # a str field holding an int: msrest writes "7"
    reply.entities = [Mention(text="<at>a</at>", type="mention")]
    assert same(to_json(reply), reply.serialize())
