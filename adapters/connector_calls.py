"""Proactive calls straight on the connector client, without a bot turn around them.

botbuilder sends a proactive message by running a whole turn: `continue_conversation` builds a
continuation event, a TurnContext and a user-token client, runs every middleware (metrics,
tenant check, identity guard, de-duplication, turn limits: all meant for inbound turns; the
event carries no content to scan) and only then `context.send_activity` addresses the activity
and calls the connector. That machinery was ~20-30 % of the outbox's CPU (py-spy), more than the
HTTP call. Here the same call is made directly, and the activity Teams receives is the one the
turn produced (botbuilder-core 4.17.1, checked field by field in tests/http/test_direct_sends.py):

- addressed from the continuation event, not from the stored reference: channel id, service
  URL, a copy of the conversation, from = the bot, recipient = the user (names masked as the
  identity guard masked the event's), locale = the event's, which is none unless LANGUAGE pins
  one (LanguageMiddleware set it on the event);
- replyToId = the event's own fresh id: `apply_conversation_reference` makes every proactive
  activity a reply to its continuation event, so a send went to `reply_to_activity` with that id
  and an update carried it. Teams has accepted that shape in production; it is kept, so this
  change alters no request Teams sees;
- a send: a copy of the caller's activity, type "message" and inputHint "acceptingInput" when
  unset, no id (TurnContext.send_activities, CloudAdapterBase.send_activities);
- an update: the given activity id, nothing defaulted (TurnContext.update_activity);
- a new conversation: the parameters as given; its ids as the SDK's create turn exposed them
  (the response's activity id, or a fresh GUID when the connector gives none).

Clients come from the authentication's connector factory with the claims the SDK builds for our
app id (so they carry the app's credentials and sign each call; anonymous in local mode), behind
the serviceUrl allow-list (inbound_auth.py), and are kept per service URL (connector_clients.py
keeps them too; here even the factory lookup is skipped).

The HTTP request is the one the client's generated operation (botframework-connector 4.17.1,
`ConversationsOperations.reply_to_activity` / `update_activity` / `create_conversation`) makes,
built here without msrest's per-call machinery (`_request`): the same URL, headers (Accept,
Content-Type, x-ms-conversation-id on a reply, Content-Length, User-Agent, the credentials'
Authorization) and body (the client's serializer, json.dumps), on the app's aiohttp session, the
answer read by the client's deserializer, a failure raised as the operation raises it
(ErrorResponseException with the response; a connection failure as ClientRequestError). msrest
formatted the URL twice per call and ran a pipeline of policies around it: ~35 % of a send's CPU
(bench/README.md). tests/http/test_direct_sends.py compares each call with the SDK's, headers too.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any
from urllib.parse import quote

from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ConversationParameters,
    ConversationReference,
    InputHints,
)
from botframework.connector.auth import AuthenticationConstants, BotFrameworkAuthentication, ClaimsIdentity
from botframework.connector.models import ErrorResponseException
from msrest.serialization import Model

from adapters.connector_clients import MAX_SHARED
from adapters.connector_transport import ConnectorTransport, sign
from adapters.guard_fields import mask_accounts

_ANSWERED = (200, 201, 202)  # what the generated operations accept; anything else raises


def bot_claims(app_id: str) -> ClaimsIdentity:
    """CloudAdapterBase.create_claims_identity: what continue/create_conversation make clients with."""
    return ClaimsIdentity(
        {AuthenticationConstants.AUDIENCE_CLAIM: app_id, AuthenticationConstants.APP_ID_CLAIM: app_id}, True
    )


class ConnectorCalls:
    """Sends, updates and new conversations on kept connector clients, addressed as botbuilder did."""

    def __init__(
        self,
        auth: BotFrameworkAuthentication,
        app_id: str,
        transport: ConnectorTransport,
        locale: str | None = None,
    ) -> None:
        self._factory = auth.create_connector_factory(bot_claims(app_id))
        self._transport = transport
        self._locale = locale  # LANGUAGE's pinned locale, or None ("auto")
        self._clients: dict[str, Any] = {}

    async def _client(self, service_url: str) -> Any:
        client = self._clients.get(service_url)
        if client is None:
            # The factory refuses a URL outside the allow-list (ForeignServiceUrl), so only
            # allowed URLs are ever kept; the policy does not change while the app runs.
            client = await self._factory.create(service_url, None)
            if len(self._clients) >= MAX_SHARED:
                self._clients.clear()
            self._clients[service_url] = client
        return client

    async def _request(
        self,
        client: Any,
        method: str,
        path: str,
        body: tuple[Model, str],
        answer_type: str,
        conversation_id: str | None = None,
    ) -> Any:
        """What the generated operation sends and how it reads the answer (see above). `path`
        is joined to the client's base URL as msrest's format_url joins it (its ids quoted with
        nothing kept safe, so no segment of theirs can be a dot segment that urljoin resolves)."""
        data = json.dumps(client._serialize.body(*body))
        headers = {"Accept": "application/json", "Content-Type": "application/json; charset=utf-8"}
        if conversation_id is not None:
            headers["x-ms-conversation-id"] = conversation_id
        headers["Content-Length"] = str(len(data))  # json.dumps writes ASCII only: chars = bytes
        headers["User-Agent"] = client.config.user_agent_policy.user_agent
        if client.config.credentials is not None:
            sign(client.config.credentials, headers)
        url = client.config.base_url.rstrip("/") + "/" + path
        response = await self._transport.request(method, url, headers, data)
        if response.status_code not in _ANSWERED:
            raise ErrorResponseException(client._deserialize, response)
        return client._deserialize(answer_type, response)

    def _addressed(self, activity: Activity, reference: ConversationReference) -> Activity:
        activity.channel_id = reference.channel_id
        activity.locale = self._locale
        activity.service_url = reference.service_url
        activity.conversation = copy.copy(reference.conversation)
        activity.from_property = copy.copy(reference.bot)
        activity.recipient = copy.copy(reference.user)
        mask_accounts(activity.from_property, activity.recipient, activity.conversation)
        activity.reply_to_id = str(uuid.uuid4())  # the continuation event's id (see above)
        return activity

    async def send(self, reference: ConversationReference, activity: Activity) -> str | None:
        """Post `activity` in the reference's conversation; the id Teams gave it."""
        outgoing = self._addressed(copy.copy(activity), reference)  # the caller's stays as it was
        outgoing.type = outgoing.type or ActivityTypes.message
        outgoing.input_hint = outgoing.input_hint or InputHints.accepting_input
        outgoing.id = None
        client = await self._client(reference.service_url or "")
        conversation_id = outgoing.conversation.id
        path = f"v3/conversations/{_quoted(conversation_id)}/activities/{_quoted(outgoing.reply_to_id)}"
        response = await self._request(
            client, "POST", path, (outgoing, "Activity"), "ResourceResponse", conversation_id
        )
        return response.id if response else ""

    async def update(self, reference: ConversationReference, activity_id: str, activity: Activity) -> None:
        """Replace activity `activity_id` of the reference's conversation with `activity`."""
        outgoing = self._addressed(copy.copy(activity), reference)
        outgoing.id = activity_id
        client = await self._client(reference.service_url or "")
        path = f"v3/conversations/{_quoted(outgoing.conversation.id)}/activities/{_quoted(activity_id)}"
        await self._request(client, "PUT", path, (outgoing, "Activity"), "ResourceResponse")

    async def create(self, service_url: str, parameters: ConversationParameters) -> tuple[str, str]:
        """Start a conversation (a new channel thread): (conversation id, its first activity's id)."""
        client = await self._client(service_url)
        created = await self._request(
            client,
            "POST",
            "v3/conversations",
            (parameters, "ConversationParameters"),
            "ConversationResourceResponse",
        )
        return created.id, created.activity_id or str(uuid.uuid4())


def _quoted(value: str) -> str:
    """A path parameter as msrest's Serializer.url writes it (it refuses None too)."""
    if value is None:
        raise ValueError("a path parameter must not be None")
    return quote(str(value), safe="")
