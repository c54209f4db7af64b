"""Fixtures the HTTP tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from config import Settings
from tests.support.openid_host import OpenIdHost

APP_ID = "00000000-0000-0000-0000-00000000a11d"  # the bot's app id in authenticated-mode tests


@pytest.fixture
async def key_host() -> AsyncIterator[OpenIdHost]:
    """A stand-in for Bot Framework's OpenID metadata and signing keys (authenticated mode)."""
    host = await OpenIdHost().start()
    yield host
    await host.close()


@pytest.fixture
def auth_settings(settings_for, key_host: OpenIdHost) -> Callable[..., Settings]:
    """Settings for authenticated mode (app id, tenant, the stand-in key host), with overrides."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "app_id": APP_ID,
            "app_password": "not-a-real-secret",
            "app_tenant_id": "tenant-vnl",
            "allowed_tenant_ids": "tenant-vnl",
            "openid_metadata_url": key_host.metadata_url,
            "allowed_service_url_hosts": "127.0.0.1",
            **overrides,
        }
        settings: Settings = settings_for(**values)
        return settings

    return make
