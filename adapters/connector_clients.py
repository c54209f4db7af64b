"""Connector and user-token clients built when first used, not on every turn.

The CloudAdapter builds a ConnectorClient and a UserTokenClient (its TokenApiClient) at the
start of every turn, and building each costs about what the rest of an echo turn costs: an msrest
Configuration (a ConfigParser, a requests Session with its pool manager, the policies) and a
serializer over every schema model — together 10–15 % of this bot's CPU under the intake load
(bench/README.md). Most of our turns never touch them: expectReplies answers and Action.Execute
invokes go back in the HTTP response, and the bot has no sign-in. So both are now stand-ins that
build the real client on first attribute access (`client.conversations…`, `client.config…` as
TeamsInfo reads it) with the same credentials, URL and settings as before. The serviceUrl
allow-list (inbound_auth.py) still runs when the factory is asked, before any stand-in exists.

A client, once built, is kept and shared by every later turn and proactive call to the same
service URL with the same credentials (at most `MAX_SHARED` URLs per app): the outbox posts cards
and notices one after another, and a client of its own for each paid the build again and opened a
new TCP connection each time (msrest keeps one requests Session per thread per client, so a kept
client keeps its connections alive). The credentials object refreshes its own token.

A kept client sends through the app's aiohttp session (connector_transport.py) instead of
msrest's requests-on-a-thread sender, when the app gave its credential factory one (`attach`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import _connector_factory_impl as factory_impl
from botframework.connector.auth import _user_token_client_impl as token_impl
from botframework.connector.token_api.aio import TokenApiClient

from adapters.connector_transport import ConnectorTransport
from adapters.model_codec import use_fast_codec


class Deferred:
    """Acts as the client `build()` returns, building it on first use."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build: Callable[[], Any] | None = build
        self._client: Any = None
        self.configuration: Any = None  # what it was built with (a kept client must match)

    @property
    def built(self) -> bool:
        return self._client is not None

    def __getattr__(self, name: str) -> Any:  # only for names this class does not define
        if self._client is None:
            assert self._build is not None
            self._client, self._build = self._build(), None
        return getattr(self._client, name)


MAX_SHARED = 16  # distinct service URLs kept per app (Teams uses a handful of regional ones)


def _shared(credential_factory: Any) -> OrderedDict[tuple[Any, ...], Deferred]:
    """The kept clients live on the app's credential factory, so they end with the app."""
    kept: OrderedDict[tuple[Any, ...], Deferred] | None = getattr(credential_factory, "_sid_clients", None)
    if kept is None:
        kept = OrderedDict()
        credential_factory._sid_clients = kept
    return kept


def attach(credential_factory: Any, transport: ConnectorTransport) -> None:
    """Every connector client made with this (the app's) credential factory uses `transport`."""
    credential_factory._sid_transport = transport


async def _create(self: Any, service_url: str, audience: str | None = None) -> Any:
    # _ConnectorFactoryImpl.create of botframework-connector 4.17.1, with the build deferred
    # and the client kept for the next call with the same URL and credentials.
    audience = audience or self._to_channel_from_bot_oauth_scope
    key = (service_url, audience, self._app_id, self._login_endpoint, self._validate_authority)
    kept = _shared(self._credential_factory)
    if key in kept and kept[key].configuration is self._connector_client_configuration:
        kept.move_to_end(key)
        return kept[key]
    credentials = await self._credential_factory.create_credentials(
        self._app_id, audience, self._login_endpoint, self._validate_authority
    )
    configuration = self._connector_client_configuration
    transport: ConnectorTransport | None = getattr(self._credential_factory, "_sid_transport", None)

    def build() -> ConnectorClient:
        if configuration:
            client = ConnectorClient(credentials, base_url=service_url, custom_configuration=configuration)
        else:
            client = ConnectorClient(credentials, base_url=service_url)
        client.config.add_user_agent(factory_impl.USER_AGENT)
        use_fast_codec(client)  # request bodies and responses as msrest writes them, faster
        if transport is not None:
            transport.adopt(client)
        return client

    deferred = Deferred(build)
    deferred.configuration = configuration
    kept[key] = deferred
    while len(kept) > MAX_SHARED:
        kept.popitem(last=False)
    return deferred


def _user_token_client_init(
    self: Any, app_id: str, credentials: Any, oauth_endpoint: str, client_configuration: Any = None
) -> None:
    # _UserTokenClientImpl.__init__ of botframework-connector 4.17.1, with the build deferred.
    super(token_impl._UserTokenClientImpl, self).__init__()
    self._app_id = app_id

    def build() -> TokenApiClient:
        client = TokenApiClient(credentials, oauth_endpoint)
        if client_configuration:
            client.config = client_configuration
        return client

    self._client = Deferred(build)


def install_deferred_connector_clients() -> None:
    """Idempotent; called by the app factory, never at import time."""
    factory_impl._ConnectorFactoryImpl.create = _create
    token_impl._UserTokenClientImpl.__init__ = _user_token_client_init
