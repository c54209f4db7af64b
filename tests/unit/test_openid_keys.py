"""The signing-key cache against a local metadata host: shared fetches, background refresh,
last good keys kept, a failed fetch not repeated for every forged token."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from adapters.openid_keys import KeysUnavailable, OpenIdKeys, UnknownSigningKey
from tests.support.openid_host import KEY_ID, OpenIdHost


@pytest.fixture
async def host():
    server = await OpenIdHost().start()
    yield server
    await server.close()


async def test_concurrent_lookups_share_one_fetch(host):
    keys = OpenIdKeys(host.metadata_url, timeout=2)
    found = await asyncio.gather(*(keys.get(KEY_ID) for _ in range(20)))
    assert host.metadata_requests == 1 and len({id(k) for k in found}) == 1


async def test_an_unknown_key_id_refetches_at_most_once_per_retry_span(host):
    keys = OpenIdKeys(host.metadata_url, timeout=2, retry_after=60)
    await keys.get(KEY_ID)
    for _ in range(5):
        with pytest.raises(UnknownSigningKey):
            await keys.get("forged-kid")
    assert host.metadata_requests == 1


async def test_background_refresh_picks_up_rotated_keys_and_keeps_them_when_the_host_fails(host):
    keys = OpenIdKeys(host.metadata_url, timeout=0.5, refresh_every=0.2, retry_after=60)
    await keys.warm()
    first = await keys.get(KEY_ID)
    host.key = host.forged_key  # the host rotates its key (same kid)
    runner = asyncio.create_task(keys.run())
    try:
        for _ in range(50):
            if host.metadata_requests >= 2:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)
        rotated = await keys.get(KEY_ID)
        assert rotated.public_key.public_numbers() != first.public_key.public_numbers()
        host.hang()  # refreshes now time out: the last good keys stay in use
        await asyncio.sleep(1.0)
        assert (await keys.get(KEY_ID)).public_key.public_numbers() == rotated.public_key.public_numbers()
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


async def test_without_any_keys_a_lookup_fails_fast_after_a_failed_fetch(host):
    host.hang()
    keys = OpenIdKeys(host.metadata_url, timeout=0.3, retry_after=60)
    with pytest.raises(KeysUnavailable):
        await keys.get(KEY_ID)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(KeysUnavailable):
        await keys.get(KEY_ID)
    assert loop.time() - started < 0.1 and host.metadata_requests == 1
