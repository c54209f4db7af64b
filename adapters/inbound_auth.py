"""Who may talk to the bot, and where the bot may talk back.

`GuardedAuthentication` is the SDK's configuration-based authentication with two changes:
every failure to authenticate becomes one `AuthFailed` (the SDK raises PermissionError for some
refusals and IndexError, DecodeError, KeyError... for forged tokens, which used to be HTTP 500s),
and every connector client it makes, for replies and proactive sends alike, is refused for a
`serviceUrl` outside the allow-list: a forged or stale serviceUrl can neither make a turn wait
on an unknown host nor receive a reply.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity, ConnectorFactory

from adapters.openid_keys import KeysUnavailable


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

    def __init__(self, configuration: object, policy: ServiceUrlPolicy) -> None:
        super().__init__(configuration)
        self.policy = policy

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        try:
            result = await super().authenticate_request(activity, auth_header)
        except KeysUnavailable:
            raise  # not the caller's fault: the endpoint answers 503 so Teams retries
        except Exception as exc:
            raise AuthFailed(_reason(exc)) from None
        if result.connector_factory is not None:
            result.connector_factory = _GuardedConnectorFactory(result.connector_factory, self.policy)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        inner = super().create_connector_factory(claims_identity)
        return _GuardedConnectorFactory(inner, self.policy)


def _reason(exc: Exception) -> str:
    # The SDK's messages name claims and app ids at most, never the token itself.
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
