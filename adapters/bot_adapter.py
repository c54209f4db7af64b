"""The botbuilder CloudAdapter with the two 4.17.1 defects fixed (see shared PLATFORM-NOTES).

1. `CloudAdapter.process` runs `serializer_helper` over invoke and expectReplies bodies that the
   SDK has already turned into plain dicts, so every Action.Execute and every expectReplies
   request answers HTTP 500 (botbuilder-python #2156). We serialise only real msrest models.
2. msrest's `ClientRetryPolicy.__init__` rebuilds a ~500-item retry list with a quadratic
   comprehension for every connector client, and the CloudAdapter builds clients every turn:
   ~12 ms CPU per turn. We compute the list once.
3. The SDK trusts the request: malformed bodies and forged tokens were HTTP 500s with tracebacks
   and the signing-key fetch blocked the event loop. `process` now checks the edge first
   (request_validation, inbound_auth, openid_keys) and answers 4xx with one log line.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import CloudAdapter
from msrest.serialization import Model
from msrest.universal_http import requests as msrest_requests

from adapters.inbound_auth import AuthFailed, GuardedAuthentication, ServiceUrlPolicy
from adapters.openid_keys import KeyCache, KeysUnavailable, install_key_cache
from adapters.refusals import RefusalLog
from adapters.request_validation import BadActivity, parse_activity, read_body
from config import Settings

log = logging.getLogger(__name__)

_SAFE_CODES = frozenset([*(code for code in range(500) if code != 408), 501, 505])
_RETRY_CODES = [code for code in range(999) if code not in _SAFE_CODES]


def _fast_retry_policy_init(self: Any) -> None:
    # Same policy as msrest's ClientRetryPolicy.__init__, minus the per-client list rebuild.
    policy = msrest_requests.Retry()
    policy.total = 3
    policy.connect = 3
    policy.read = 3
    policy.backoff_factor = 0.8
    policy.BACKOFF_MAX = 90
    policy.status_forcelist = _RETRY_CODES
    policy.method_whitelist = ["HEAD", "TRACE", "GET", "PUT", "OPTIONS", "DELETE", "POST", "PATCH"]
    self.policy = policy


def install_msrest_retry_fix() -> None:
    """Idempotent; called by the app factory, never at import time."""
    msrest_requests.ClientRetryPolicy.__init__ = _fast_retry_policy_init


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
        return body.serialize()
    if isinstance(body, list):
        return [_json_body(item) for item in body]
    return body


class FixedCloudAdapter(CloudAdapter):
    """CloudAdapter whose HTTP entry point checks the request at the edge (shape, size, token,
    serviceUrl; each refusal one log line) and returns invoke and expectReplies bodies intact."""

    def __init__(self, auth: GuardedAuthentication, settings: Settings, keys: KeyCache | None) -> None:
        super().__init__(auth)
        self.guarded_auth = auth
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
        except KeysUnavailable:
            response = self._refuse(request, HTTPStatus.SERVICE_UNAVAILABLE, "token signing keys unavailable")
            response.headers["Retry-After"] = "30"
            return response
        invoke_response = await self.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        return web.json_response(data=_json_body(invoke_response.body), status=int(invoke_response.status))

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
    install_msrest_retry_fix()
    keys: KeyCache | None = None
    if not settings.local_mode:
        keys = KeyCache(
            channel_metadata_url=settings.openid_metadata_url,
            timeout=settings.openid_timeout_seconds,
            refresh_every=settings.openid_refresh_hours * 3600,
        )
        install_key_cache(keys)
    policy = ServiceUrlPolicy(settings.allowed_service_url_hosts, allow_loopback=settings.local_mode)
    return FixedCloudAdapter(GuardedAuthentication(_BotConfig(settings), policy), settings, keys)
