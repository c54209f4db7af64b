"""Connector clients built when first used, not on every turn.

The CloudAdapter asks its connector factory for a ConnectorClient at the start of every turn,
and building one costs more than the rest of an echo turn: an msrest Configuration (a
ConfigParser, a requests Session with its pool manager, the policies) and a serializer over every
schema model — 7–10 % of this bot's CPU under the intake load (bench/README.md). Most of our
turns never touch it: expectReplies answers and Action.Execute invokes go back in the HTTP
response. So the factory now returns a stand-in that builds the real client on first attribute
access (`client.conversations…`, `client.config…` as TeamsInfo reads it) with the same
credentials, URL and user agent as before. The serviceUrl allow-list (inbound_auth.py) still runs
when the factory is asked, before any stand-in exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import _connector_factory_impl as factory_impl


class DeferredConnectorClient:
    """Acts as the ConnectorClient `build()` returns, building it on first use."""

    def __init__(self, build: Callable[[], ConnectorClient]) -> None:
        self._build: Callable[[], ConnectorClient] | None = build
        self._client: ConnectorClient | None = None

    @property
    def built(self) -> bool:
        return self._client is not None

    def __getattr__(self, name: str) -> Any:  # only for names this class does not define
        if self._client is None:
            assert self._build is not None
            self._client, self._build = self._build(), None
        return getattr(self._client, name)


async def _create(self: Any, service_url: str, audience: str | None = None) -> Any:
    # _ConnectorFactoryImpl.create of botframework-connector 4.17.1, with the build deferred.
    credentials = await self._credential_factory.create_credentials(
        self._app_id,
        audience or self._to_channel_from_bot_oauth_scope,
        self._login_endpoint,
        self._validate_authority,
    )
    configuration = self._connector_client_configuration

    def build() -> ConnectorClient:
        if configuration:
            client = ConnectorClient(credentials, base_url=service_url, custom_configuration=configuration)
        else:
            client = ConnectorClient(credentials, base_url=service_url)
        client.config.add_user_agent(factory_impl.USER_AGENT)
        return client

    return DeferredConnectorClient(build)


def install_deferred_connector_clients() -> None:
    """Idempotent; called by the app factory, never at import time."""
    factory_impl._ConnectorFactoryImpl.create = _create
