"""Signing keys for inbound tokens, fetched off the event loop with a timeout and cached.

botbuilder 4.17.1's `_OpenIdMetadata` calls blocking `requests.get` without a timeout from inside
the event loop: one forged token while the metadata host hangs stalls every request, /healthz and
SIGTERM included (shared PLATFORM-NOTES). `OpenIdKeys` has the same `get(key_id)` interface, but
fetches with aiohttp under a timeout, lets concurrent callers share one fetch, keeps the last good
keys when a refresh fails, refreshes in the background and is warmed at start. `install_key_cache`
points the SDK's token extractor at these objects; nothing else of the SDK's validation changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

# The URL the SDK asks for when it checks a token from the Bot Framework channel (Teams).
CHANNEL_METADATA_URL = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (host down, hanging, or answering garbage)."""


class UnknownSigningKey(PermissionError):
    """The token names a key the metadata host does not publish: not a token we can trust."""


@dataclass(frozen=True)
class SigningKey:
    """What the SDK's extractor reads from a looked-up key."""

    public_key: Any
    endorsements: list[str]


class OpenIdKeys:
    """The keys behind one OpenID metadata document."""

    def __init__(
        self, url: str, *, timeout: float = 5.0, refresh_every: float = 6 * 3600, retry_after: float = 30
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.refresh_every = refresh_every
        # After a failed fetch, and between refreshes for an unknown key id, wait this long:
        # a flood of forged tokens must not turn into a flood of fetches.
        self.retry_after = retry_after
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")
        self._inflight: asyncio.Task[None] | None = None

    async def get(self, key_id: str | None) -> SigningKey:
        """The key for `key_id`; raises UnknownSigningKey or KeysUnavailable."""
        if not self._keys:  # cold start; afterwards the background task keeps them fresh
            await self._refresh_shared(must_succeed=True)
        key = self._keys.get(key_id or "")
        if key is None and time.monotonic() - self._fetched_at > self.retry_after:
            await self._refresh_shared(must_succeed=False)  # keys roll over: look once more
            key = self._keys.get(key_id or "")
        if key is None:
            raise UnknownSigningKey("the token's signing key is not published by the metadata host")
        return key

    async def warm(self) -> None:
        """Fetch once at start; a failure is logged, not raised (requests will try again)."""
        with contextlib.suppress(KeysUnavailable):
            await self._refresh_shared(must_succeed=True)

    async def run(self) -> None:
        """Background refresh until cancelled."""
        while True:
            await asyncio.sleep(self.refresh_every if self._keys else self.retry_after)
            await self._refresh_shared(must_succeed=False, force=True)

    async def _refresh_shared(self, *, must_succeed: bool, force: bool = False) -> None:
        recently_failed = time.monotonic() - self._failed_at < self.retry_after
        if force or not recently_failed:
            if self._inflight is None or self._inflight.done():
                self._inflight = asyncio.create_task(self._refresh())
            fetch = self._inflight
            try:
                # shield: a caller that gives up (client hung up) must not cancel the shared fetch.
                await asyncio.shield(fetch)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if (task is not None and task.cancelling()) or not fetch.cancelled():
                    raise
                # The fetch itself was cancelled (the app is shutting down): not a caller's error.
                raise KeysUnavailable("key fetch cancelled") from None
        if must_succeed and not self._keys:
            raise KeysUnavailable(f"no signing keys from {self.url}")

    def cancel(self) -> None:
        """Stop a fetch in flight: its waiters get KeysUnavailable (the app is shutting down)."""
        if self._inflight is not None:
            self._inflight.cancel()

    async def _refresh(self) -> None:
        try:
            async with asyncio.timeout(self.timeout):  # not wait_for: it can lose a cancel on 3.11
                keys = await self._fetch()
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError, TypeError) as exc:
            self._failed_at = time.monotonic()
            reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
            log.warning("could not fetch token signing keys from %s: %s", self.url, reason)
            return  # the last good keys stay in use
        self._keys, self._fetched_at = keys, time.monotonic()
        log.info("token signing keys fetched from %s (%d keys)", self.url, len(keys))

    async def _fetch(self) -> dict[str, SigningKey]:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(self.url) as response:
                response.raise_for_status()
                jwks_uri = (await response.json(content_type=None))["jwks_uri"]
            async with session.get(str(jwks_uri)) as response:
                response.raise_for_status()
                published = (await response.json(content_type=None))["keys"]
        keys: dict[str, SigningKey] = {}
        for item in published:
            if not isinstance(item, dict) or not isinstance(item.get("kid"), str):
                continue
            try:
                public_key = RSAAlgorithm.from_jwk(json.dumps(item))
            except Exception:
                log.warning("skipped an unusable signing key %s from %s", item["kid"], self.url)
                continue
            endorsements = item.get("endorsements")
            keys[item["kid"]] = SigningKey(
                public_key, list(endorsements) if isinstance(endorsements, list) else []
            )
        if not keys:
            raise ValueError("no usable keys")
        return keys


class KeyCache:
    """Every metadata URL's keys, owned by the app: warmed at start, refreshed, stopped at close."""

    def __init__(self, *, channel_metadata_url: str, timeout: float, refresh_every: float) -> None:
        self._timeout, self._refresh_every = timeout, refresh_every
        self._by_url: dict[str, OpenIdKeys] = {}
        # The SDK asks for the public cloud's URL; settings may point it elsewhere
        # (sovereign clouds, the tests' local metadata host).
        self._by_url[CHANNEL_METADATA_URL] = self._new(channel_metadata_url or CHANNEL_METADATA_URL)
        self._tasks: list[asyncio.Task[None]] = []

    def _new(self, url: str) -> OpenIdKeys:
        return OpenIdKeys(url, timeout=self._timeout, refresh_every=self._refresh_every)

    def lookup(self, url: str) -> OpenIdKeys:
        """The SDK's `get_open_id_metadata` (emulator and skill URLs are added on first use)."""
        keys = self._by_url.get(url)
        if keys is None:
            keys = self._by_url[url] = self._new(url)
        return keys

    def start(self) -> None:
        channel = self._by_url[CHANNEL_METADATA_URL]
        self._tasks = [asyncio.create_task(channel.warm()), asyncio.create_task(channel.run())]

    async def stop(self, timeout: float = 5.0) -> None:
        """On shutdown, before aiohttp waits for open requests: none may wait on a hanging host.
        Waits at most `timeout` s for the tasks; a cancellation of `stop` itself propagates."""
        for keys in self._by_url.values():
            keys.cancel()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            done, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.warning("token key refresh ended with %r", task.exception())
            if pending:
                log.error("token key refresh did not stop within %.0f s of being cancelled", timeout)


def install_key_cache(cache: KeyCache) -> None:
    """Route the SDK's key lookups to `cache` (the most recently started app's; one per process)."""
    JwtTokenExtractor.get_open_id_metadata = staticmethod(cache.lookup)
