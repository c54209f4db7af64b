"""The botbuilder CloudAdapter with the two 4.17.1 defects fixed (see shared PLATFORM-NOTES).

1. `CloudAdapter.process` runs `serializer_helper` over invoke and expectReplies bodies that the
   SDK has already turned into plain dicts, so every Action.Execute and every expectReplies
   request answers HTTP 500 (botbuilder-python #2156). We serialise only real msrest models.
2. msrest's `ClientRetryPolicy.__init__` rebuilds a ~500-item retry list with a quadratic
   comprehension for every connector client, and the CloudAdapter builds clients every turn:
   ~12 ms CPU per turn. We compute the list once.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import Bot
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity
from msrest.serialization import Model
from msrest.universal_http import requests as msrest_requests

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
    """CloudAdapter whose HTTP entry point returns invoke and expectReplies bodies intact."""

    async def process(
        self, request: web.Request, bot: Bot, ws_response: web.WebSocketResponse | None = None
    ) -> web.Response:
        if request.method != "POST":
            raise web.HTTPMethodNotAllowed(request.method, ["POST"])
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType()
        try:
            body = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body is not JSON") from None
        activity: Activity = Activity().deserialize(body)
        if not activity.type:
            raise web.HTTPBadRequest(text="activity has no type")
        auth_header = request.headers.get("Authorization", "")
        try:
            invoke_response = await self.process_activity(auth_header, activity, bot.on_turn)
        except PermissionError:
            raise web.HTTPUnauthorized() from None
        if invoke_response is None:
            return web.Response(status=HTTPStatus.CREATED)
        return web.json_response(data=_json_body(invoke_response.body), status=int(invoke_response.status))


def create_adapter(settings: Settings) -> FixedCloudAdapter:
    install_msrest_retry_fix()
    auth = ConfigurationBotFrameworkAuthentication(_BotConfig(settings))
    return FixedCloudAdapter(auth)
