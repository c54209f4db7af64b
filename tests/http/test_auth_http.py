"""Inbound authentication with credentials set: real signed tokens against a local key host.

Every failure is a 401 with one log line and no traceback; key lookup never blocks the event
loop: a hanging metadata host delays only the requests that need keys (/healthz answers).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import jwt
import pytest

from tests.http.conftest import APP_ID
from tests.support.activities import ANNA, personal_activity, reply_text
from tests.support.openid_host import KEY_ID, OpenIdHost


async def _post(bot, activity: dict[str, Any], token: str | None) -> int:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with bot.http.post(bot.endpoint, json=activity, headers=headers) as response:
        return response.status


def _edge_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "adapters.edge"]


def _forged_tokens(host: OpenIdHost, service_url: str) -> dict[str, str]:
    expired = int(time.time()) - 3 * 3600
    return {
        "garbage": "garbage",
        "a.b.c": "a.b.c",
        "alg-none": jwt.encode(
            {"iss": "https://api.botframework.com", "aud": APP_ID},
            "",
            algorithm="none",
            headers={"kid": KEY_ID},
        ),
        "self-signed": host.token(APP_ID, service_url, key=host.forged_key),
        "self-signed-unknown-kid": host.token(APP_ID, service_url, key=host.forged_key, kid="other"),
        "expired": host.token(APP_ID, service_url, exp=expired, nbf=expired - 60, iat=expired - 60),
        "hs256": host.token(APP_ID, service_url, key="shared-secret-guess-1234567890abc", algorithm="HS256"),
        "wrong-audience": host.token("some-other-bot", service_url),
        "wrong-issuer": host.token(APP_ID, service_url, iss="https://evil.example"),
        "wrong-service-url": host.token(APP_ID, "https://smba.trafficmanager.net/emea/"),
    }


async def test_a_genuine_token_is_accepted(start_bot, auth_settings, key_host):
    bot = await start_bot(auth_settings())
    activity = personal_activity(
        ANNA, bot.connector.url, type="message", text="hjälp", deliveryMode="expectReplies"
    )
    async with bot.http.post(
        bot.endpoint,
        json=activity,
        headers={"Authorization": f"Bearer {key_host.token(APP_ID, bot.connector.url)}"},
    ) as response:
        assert response.status == 200
        assert "personnummer" in reply_text((await response.json())["activities"])


@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "a.b.c",
        "alg-none",
        "self-signed",
        "self-signed-unknown-kid",
        "expired",
        "hs256",
        "wrong-audience",
        "wrong-issuer",
        "wrong-service-url",
    ],
)
async def test_every_forged_token_is_a_401_with_one_log_line(
    start_bot, auth_settings, key_host, caplog, kind
):
    bot = await start_bot(auth_settings())
    activity = personal_activity(ANNA, bot.connector.url, type="message", text="hej")
    token = _forged_tokens(key_host, bot.connector.url)[kind]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert await _post(bot, activity, token) == 401
    lines = _edge_lines(caplog)
    assert len(lines) == 1 and "401" in lines[0].getMessage()
    assert token not in caplog.text or len(token) < 8  # the token itself is never logged
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
    assert "Traceback" not in caplog.text
    assert bot.connector.sent == []


async def test_a_missing_or_non_bearer_header_is_a_401(start_bot, auth_settings):
    bot = await start_bot(auth_settings())
    activity = personal_activity(ANNA, bot.connector.url, type="message", text="hej")
    assert await _post(bot, activity, None) == 401
    async with bot.http.post(bot.endpoint, json=activity, headers={"Authorization": "Basic abc"}) as response:
        assert response.status == 401


async def test_keys_are_fetched_at_start_and_cached(start_bot, auth_settings, key_host):
    bot = await start_bot(auth_settings())
    for _ in range(20):
        if key_host.metadata_requests:
            break
        await asyncio.sleep(0.05)
    assert key_host.metadata_requests == 1  # warmed before any request needed it
    for _ in range(3):
        activity = personal_activity(
            ANNA, bot.connector.url, type="message", text="hjälp", deliveryMode="expectReplies"
        )
        assert await _post(bot, activity, key_host.token(APP_ID, bot.connector.url)) == 200
    assert key_host.metadata_requests == 1


async def test_a_hanging_key_host_delays_only_requests_that_need_keys(start_bot, auth_settings, key_host):
    key_host.hang()
    bot = await start_bot(auth_settings(openid_timeout_seconds=1.5))
    activity = personal_activity(ANNA, bot.connector.url, type="message", text="hej")
    started = time.monotonic()
    forged = asyncio.create_task(
        _post(bot, activity, key_host.token(APP_ID, bot.connector.url, key=key_host.forged_key))
    )
    await asyncio.sleep(0.1)
    async with bot.http.get(bot.server.make_url("/healthz")) as response:
        assert response.status == 200
    healthz_took = time.monotonic() - started
    tokens = _forged_tokens(key_host, bot.connector.url)
    for kind in ("garbage", "a.b.c", "alg-none", "expired", "hs256", "wrong-audience"):
        quick = time.monotonic()
        assert await _post(bot, activity, tokens[kind]) == 401
        assert time.monotonic() - quick < 1.0, kind  # refused without keys: never waits for them
    assert not forged.done()
    status = await forged
    took = time.monotonic() - started
    assert healthz_took < 1.0 < took
    assert status == 401  # could not be checked, so not authenticated
    assert took < 10
