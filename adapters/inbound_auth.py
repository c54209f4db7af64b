"""Who may talk to the bot, and where the bot may talk back.

`GuardedAuthentication` is the SDK's configuration-based authentication with two changes:
every failure to authenticate becomes one `AuthFailed` (the SDK raises PermissionError for some
refusals and IndexError, DecodeError, KeyError... for forged tokens, which used to be HTTP 500s),
and every connector client it makes, for replies and proactive sends alike, is refused for a
`serviceUrl` outside the allow-list: a forged or stale serviceUrl can neither make a turn wait
on an unknown host nor receive a reply. A token that can be refused without signing keys (not a
JWT, a disallowed algorithm, expired, another audience) is refused before any key lookup.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import jwt
from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
)

from adapters.openid_keys import KeysUnavailable

_CLOCK_TOLERANCE = 5 * 60  # seconds, as the SDK's own check


class AuthFailed(Exception):
    """The request is not authenticated; `reason` is short and never holds the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ForeignServiceUrl(PermissionError):
    """An outbound call to a host that is not Teams' connector."""


class ServiceUrlPolicy:
    """Teams' connector hosts (exact names, https); loopback too in local mode and tests."""

    def __init__(self, hosts: Iterable[str], *, allow_loopback: bool) -> None:
        self.hosts = frozenset(host.strip().lower() for host in hosts if host.strip())
        self.allow_loopback = allow_loopback

    def allows(self, url: str | None) -> bool:
        try:
            parts = urlsplit(url or "")
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if host in self.hosts:  # a listed loopback host (tests) may be plain http
            return parts.scheme == "https" or (_is_loopback(host) and parts.scheme == "http")
        return self.allow_loopback and _is_loopback(host) and parts.scheme in ("http", "https")


@functools.lru_cache(maxsize=256)  # asked on every turn for the same few hosts
def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _GuardedConnectorFactory(ConnectorFactory):
    def __init__(self, inner: ConnectorFactory, policy: ServiceUrlPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        if not self._policy.allows(service_url):
            raise ForeignServiceUrl("outbound call to a serviceUrl outside the allow-list refused")
        return await self._inner.create(service_url, audience)


class GuardedAuthentication(ConfigurationBotFrameworkAuthentication):
    """Maps authentication failures to AuthFailed and guards every connector client."""

    def __init__(self, configuration: object, policy: ServiceUrlPolicy, app_id: str = "") -> None:
        # The SDK would make this one itself; made here so the app can keep its connector
        # clients and HTTP session with it (connector_clients.py).
        self.credentials_factory = ConfigurationServiceClientCredentialFactory(configuration)
        super().__init__(configuration, credentials_factory=self.credentials_factory)
        self.policy = policy
        self._app_id = app_id

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        if self._app_id:
            _precheck(auth_header, self._app_id)
        try:
            result = await super().authenticate_request(activity, auth_header)
        except KeysUnavailable as exc:
            # A token we cannot check is not authenticated. Keys are cached, kept when a refresh
            # fails and warmed at start, so genuine traffic meets this only at a cold start
            # while the key host is unreachable.
            raise AuthFailed(f"signing keys unavailable ({exc})") from None
        except Exception as exc:  # the SDK raises a dozen exception types for a forged token
            raise AuthFailed(_reason(exc)) from None
        if result.connector_factory is not None:
            result.connector_factory = _GuardedConnectorFactory(result.connector_factory, self.policy)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = super().create_connector_factory(claims_identity)
        return _GuardedConnectorFactory(inner, self.policy)


def _precheck(auth_header: str, app_id: str) -> None:
    """What can be refused without signing keys is refused before the SDK asks for them, so a
    slow or hanging key host delays only tokens that could be genuine."""
    scheme, _, token = (auth_header or "").partition(" ")
    if scheme != "Bearer" or not token or " " in token:
        raise AuthFailed("no bearer token")
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthFailed(_reason(exc)) from None
    if header.get("alg") not in AuthenticationConstants.ALLOWED_SIGNING_ALGORITHMS:
        raise AuthFailed("signing algorithm not allowed")
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires + _CLOCK_TOLERANCE < time.time():
        raise AuthFailed("token expired or without expiry")
    audience = claims.get("aud")
    if audience != app_id and not (isinstance(audience, list) and app_id in audience):
        raise AuthFailed("token is for another audience")


def _reason(exc: Exception) -> str:
    # The SDK's messages name claims and app ids at most, never the token itself.
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
