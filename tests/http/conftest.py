"""Fixtures the HTTP tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.openid_host import OpenIdHost


@pytest.fixture
async def key_host() -> AsyncIterator[OpenIdHost]:
    """A stand-in for Bot Framework's OpenID metadata and signing keys (authenticated mode)."""
    host = await OpenIdHost().start()
    yield host
    await host.close()
