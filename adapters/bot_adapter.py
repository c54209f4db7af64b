"""The botbuilder CloudAdapter with the two 4.17.1 defects fixed (see shared PLATFORM-NOTES).

1. `CloudAdapter.process` runs `serializer_helper` over invoke and expectReplies bodies that the
   SDK has already turned into plain dicts, so every Action.Execute and every expectReplies
   request answers HTTP 500 (botbuilder-python #2156). We serialise only real msrest models.
2. msrest's `ClientRetryPolicy.__init__` rebuilds a ~500-item retry list with a quadratic
   comprehension for every connector client, and the CloudAdapter builds clients every turn:
   ~12 ms CPU per turn. We replace it with a policy that retries nothing: the outbox is the one
   layer that retries proactive sends (with backoff, jitter and caps), and a reply inside a turn
   must fail fast rather than hold the turn for ~27 s of HTTP-level retries.
3. The SDK trusts the request: malformed bodies and forged tokens were HTTP 500s with tracebacks
   and the signing-key fetch blocked the event loop. `process` now checks the edge first
   (request_validation, inbound_auth, openid_keys) and answers 4xx with one log line.
4. `run_pipeline` hands an exception of a proactive turn (`continue_conversation`,
   `create_conversation`) to `on_turn_error`, the user-facing error path, and swallows it. The bot
   runs no proactive turns: the ProactiveSender calls the connector client itself
   (connector_calls.py), so its errors reach it directly, and it skips the turn machinery that
   cost more CPU than the call. Both methods raise here, so none starts one by mistake.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, TurnContext
from botbuilder.core.invoke_response import InvokeResponse
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import DeliveryModes, ExpectedReplies
from msrest import universal_http
from msrest.serialization import Model
from msrest.universal_http import requests as msrest_requests

from adapters.connector_clients import attach, install_deferred_connector_clients
from adapters.connector_transport import ConnectorTransport
from adapters.inbound_auth import AuthFailed, GuardedAuthentication, ServiceUrlPolicy
from adapters.model_codec import to_json
from adapters.openid_keys import KeyCache, install_key_cache
from adapters.refusals import RefusalLog
from adapters.request_validation import BadActivity, parse_activity, read_body
from config import Settings

log = logging.getLogger(__name__)

_original_connection_init = universal_http.ClientConnection.__init__


def _no_retry_policy_init(self: Any) -> None:
    # No HTTP-level retries (and no per-client list rebuild): a status comes back as it is, so
    # the one retry layer (the outbox) sees the real 429 / 5xx and its Retry-After.
    policy = msrest_requests.Retry(total=0, connect=0, read=0, redirect=0, status=0)
    policy.status_forcelist = []
    policy.raise_on_status = False
    policy.BACKOFF_MAX = 0  # msrest reads this attribute when it builds a session
    self.policy = policy


def install_msrest_retry_fix(timeout: float = 20.0) -> None:
    """Idempotent; called by the app factory, never at import time. `timeout` replaces msrest's
    100 s per request: the HTTP call runs on a thread of the default executor, and a dead
    connector must not hold those threads long after the caller stopped waiting. Since the
    connector clients send over aiohttp (connector_transport.py) this serves the msrest clients
    the SDK makes by itself (TeamsInfo's TeamsConnectorClient, the token client)."""
    msrest_requests.ClientRetryPolicy.__init__ = _no_retry_policy_init

    def connection_init(self: Any) -> None:
        _original_connection_init(self)
        self.timeout = timeout

    universal_http.ClientConnection.__init__ = connection_init


class _BotConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        # Without an app id only the MultiTenant factory accepts "no credentials" (local mode).
        self.APP_TYPE = settings.app_type if settings.app_id else "MultiTenant"
        self.APP_TENANTID = settings.app_tenant_id


def _json_body(body: object) -> object:
    if isinstance(body, Model):
        return to_json(body)
    if isinstance(body, list):
        return [_json_body(item) for item in body]
    return body


class FixedCloudAdapter(CloudAdapter):
    """CloudAdapter whose HTTP entry point checks the request at the edge (shape, size, token,
    serviceUrl; each refusal one log line) and returns invoke and expectReplies bodies intact,
    and which runs no proactive turns (ProactiveSender calls the connector client itself)."""

    def __init__(self, auth: GuardedAuthentication, settings: Settings, keys: KeyCache | None) -> None:
        super().__init__(auth)
        self.guarded_auth = auth
        # Connector calls (replies, proactive sends) go over one aiohttp session; App.close closes it.
        self.transport = ConnectorTransport(settings.proactive_send_timeout_seconds)
        attach(auth.credentials_factory, self.transport)
        self.keys = keys
        self.max_bytes = settings.max_request_bytes
        self.max_depth = settings.max_json_depth
        self.refusals = RefusalLog()

    async def process(
        self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None
    ) -> web.Response:
        if request.method != "POST":
            raise web.HTTPMethodNotAllowed(request.method, ["POST"])
        try:
            body = await read_body(request, self.max_bytes)
            _, activity = parse_activity(body, self.max_depth)
            auth_header = request.headers.get("Authorization", "")
            authenticated = await self.guarded_auth.authenticate_request(activity, auth_header)
            if not self.guarded_auth.policy.allows(activity.service_url):
                raise BadActivity("serviceUrl is not an allowed Teams connector host", HTTPStatus.FORBIDDEN)
        except BadActivity as exc:
            return self._refuse(request, exc.status, exc.reason)
        except AuthFailed as exc:
            return self._refuse(request, HTTPStatus.UNAUTHORIZED, f"not authenticated ({exc.reason})")
        invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        return web.json_response(data=_json_body(invoke_response.body), status=int(invoke_response.status))

    async def continue_conversation(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("proactive sends go through ProactiveSender, not a bot turn")

    async def create_conversation(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("new conversations go through ProactiveSender, not a bot turn")

    def _process_turn_results(self, context: TurnContext) -> InvokeResponse:
        # CloudAdapterBase's, with the expectReplies answer written by model_codec (msrest's
        # ExpectedReplies.serialize() cost ~0.2–1 ms a turn, more than the rest of the answer).
        if context.activity.delivery_mode == DeliveryModes.expect_replies:
            replies = ExpectedReplies(activities=context.buffered_reply_activities)
            return InvokeResponse(status=HTTPStatus.OK, body=to_json(replies))
        return super()._process_turn_results(context)

    def _refuse(self, request: web.Request, status: int, reason: str) -> web.Response:
        self.refusals.refused(status, reason, request.remote)
        return web.Response(status=status)

    def start(self) -> None:
        """Warm and keep refreshing the token signing keys (authenticated mode only)."""
        if self.keys is not None:
            self.keys.start()

    async def close(self) -> None:
        if self.keys is not None:
            await self.keys.stop()


def create_adapter(settings: Settings) -> FixedCloudAdapter:
    install_msrest_retry_fix(settings.proactive_send_timeout_seconds)
    install_deferred_connector_clients()  # most turns answer in the HTTP response: no client
    keys: KeyCache | None = None
    if not settings.local_mode:
        keys = KeyCache(
            channel_metadata_url=settings.openid_metadata_url,
            timeout=settings.openid_timeout_seconds,
            refresh_every=settings.openid_refresh_hours * 3600,
        )
        install_key_cache(keys)
    policy = ServiceUrlPolicy(settings.allowed_service_url_hosts, allow_loopback=settings.local_mode)
    auth = GuardedAuthentication(_BotConfig(settings), policy, settings.app_id)
    return FixedCloudAdapter(auth, settings, keys)
