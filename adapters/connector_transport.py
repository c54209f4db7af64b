"""The connector client's HTTP step on the event loop (aiohttp), one session per app.

msrest's default async sender runs `requests` on a thread of the default executor: per call a
thread hop both ways, a requests Session.request (hooks, cookies, proxies from the environment,
urllib3's pool) and the credentials policy re-signing a requests Session. Under the intake load
that was ~10 % of the bot's CPU for the outbox's proactive sends alone (bench/bench_proactive.py
measures a send). Here the same msrest pipeline (user agent, credentials, raw deserialiser, HTTP
logger) ends in an aiohttp sender on the app's one ClientSession, closed with the app.

What stays as it was: the send timeout (one total timeout per request), no retries (no status
retries, no redirects followed: a 3xx comes back as a failed call), failures as msrest raises them
(HttpOperationError with the status, headers and text for `proactive.classify`, ClientRequestError
for a connection that failed), and the credentials object signing every request (it caches and
refreshes its own token; without an app id it adds no header). Proxies from the environment are
not read (requests did): the bot reaches Teams' connector directly.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from types import SimpleNamespace
from typing import Any

import aiohttp
from msrest.exceptions import ClientRequestError
from msrest.pipeline import AsyncPipeline, Request, Response, SansIOHTTPPolicy
from msrest.pipeline.aiohttp import AsyncHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.async_abc import AsyncClientResponse


class ConnectorTransport:
    """The app's HTTP session for connector calls, opened on first use (inside the event loop)."""

    def __init__(self, timeout: float) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientRequestError("the app is closing: no more connector calls")
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout, trust_env=False)
        return self._session

    async def request(
        self, method: str, url: str, headers: dict[str, str], data: Any, request: Any = None
    ) -> ConnectorResponse:
        """One request on the app's session, the body read whole, failures as msrest raises them
        (`request`: the msrest ClientRequest it stands for, kept on the response as msrest does)."""
        try:
            async with self.session().request(
                method, url, headers=headers, data=data, allow_redirects=False
            ) as answer:
                body = await answer.read()
        except TimeoutError:
            raise  # first: aiohttp's timeouts are ClientErrors too, and classify says "timed out"
        except aiohttp.ClientError as error:
            raise ClientRequestError(f"Error occurred in request: {type(error).__name__}: {error}") from error
        return ConnectorResponse(request, answer.status, answer.headers, answer.reason, body)

    def adopt(self, client: Any) -> None:
        """Make `client` (a ConnectorClient) send through this session; its policies stay msrest's."""
        config = client.config
        policies: list[Any] = [config.user_agent_policy, RawDeserializer(), config.http_logger_policy]
        if config.credentials is not None:
            policies.insert(1, SignRequests(config.credentials))
        config.pipeline = AsyncPipeline(policies, AiohttpSender(self))

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()
            self._session = None


class SignRequests(SansIOHTTPPolicy):
    """The credentials' own `signed_session`, applied to one request's headers.

    botframework's AppCredentials sign a requests Session (only its `headers`): each call asks the
    credentials again, so a refreshed token is used as soon as they have it, as before."""

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials

    def on_request(self, request: Request, **kwargs: Any) -> None:
        sign(self._credentials, request.http_request.headers)


def sign(credentials: Any, headers: MutableMapping[str, str]) -> None:
    """Set (or drop) `headers`' Authorization as the credentials' `signed_session` would."""
    holder = SimpleNamespace(headers={})
    credentials.signed_session(holder)
    token = holder.headers.get("Authorization")
    if token:
        headers["Authorization"] = token
    else:
        headers.pop("Authorization", None)


class ConnectorResponse(AsyncClientResponse):
    """A whole response in memory. It is its own `internal_response`, which HttpOperationError
    keeps as `error.response`: status_code, headers (case-insensitive) and text() as classify reads
    them."""

    def __init__(self, request: Any, status: int, headers: Any, reason: str | None, body: bytes) -> None:
        super().__init__(request, None)
        self.internal_response = self
        self.status_code = status
        self.headers = headers
        self.reason = reason
        self._body = body

    def body(self) -> bytes:
        return self._body


class AiohttpSender(AsyncHTTPSender):
    """The last step of the pipeline: one request on the app's session, the body read whole."""

    def __init__(self, transport: ConnectorTransport) -> None:
        self._transport = transport

    async def __aenter__(self) -> AiohttpSender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None  # the session is the app's: closed with it

    def build_context(self) -> None:
        return None

    async def send(self, request: Request, **config: Any) -> Response:
        http = request.http_request
        if http.files:
            raise ClientRequestError("multipart uploads are not sent through the connector transport")
        answer = await self._transport.request(http.method, http.url, dict(http.headers), http.data, http)
        return Response(request, answer)
