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
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ConversationParameters,
    ConversationReference,
    InputHints,
)
from botframework.connector.auth import AuthenticationConstants, BotFrameworkAuthentication, ClaimsIdentity

from adapters.connector_clients import MAX_SHARED
from adapters.guard_fields import mask_accounts


def bot_claims(app_id: str) -> ClaimsIdentity:
    """CloudAdapterBase.create_claims_identity: what continue/create_conversation make clients with."""
    return ClaimsIdentity(
        {AuthenticationConstants.AUDIENCE_CLAIM: app_id, AuthenticationConstants.APP_ID_CLAIM: app_id}, True
    )


class ConnectorCalls:
    """Sends, updates and new conversations on kept connector clients, addressed as botbuilder did."""

    def __init__(self, auth: BotFrameworkAuthentication, app_id: str, locale: str | None = None) -> None:
        self._factory = auth.create_connector_factory(bot_claims(app_id))
        self._locale = locale  # LANGUAGE's pinned locale, or None ("auto")
        self._clients: dict[str, Any] = {}

    async def _conversations(self, service_url: str) -> Any:
        client = self._clients.get(service_url)
        if client is None:
            # The factory refuses a URL outside the allow-list (ForeignServiceUrl), so only
            # allowed URLs are ever kept; the policy does not change while the app runs.
            client = await self._factory.create(service_url, None)
            if len(self._clients) >= MAX_SHARED:
                self._clients.clear()
            self._clients[service_url] = client
        return client.conversations

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
        conversations = await self._conversations(reference.service_url or "")
        response = await conversations.reply_to_activity(
            outgoing.conversation.id, outgoing.reply_to_id, outgoing
        )
        return response.id if response else ""

    async def update(self, reference: ConversationReference, activity_id: str, activity: Activity) -> None:
        """Replace activity `activity_id` of the reference's conversation with `activity`."""
        outgoing = self._addressed(copy.copy(activity), reference)
        outgoing.id = activity_id
        conversations = await self._conversations(reference.service_url or "")
        await conversations.update_activity(outgoing.conversation.id, activity_id, outgoing)

    async def create(self, service_url: str, parameters: ConversationParameters) -> tuple[str, str]:
        """Start a conversation (a new channel thread): (conversation id, its first activity's id)."""
        conversations = await self._conversations(service_url)
        created = await conversations.create_conversation(parameters)
        return created.id, created.activity_id or str(uuid.uuid4())
