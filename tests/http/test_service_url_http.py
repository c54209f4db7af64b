"""Replies and proactive messages go only to Teams' connector hosts (ALLOWED_SERVICE_URL_HOSTS)."""

from __future__ import annotations

import pytest
from botframework.connector.auth import ClaimsIdentity

from adapters.inbound_auth import ForeignServiceUrl, ServiceUrlPolicy
from tests.support.activities import ANNA, personal_activity


async def test_an_activity_from_a_foreign_service_url_is_refused_and_not_remembered(bot):
    activity = personal_activity(ANNA, "https://collector.example/teams/", type="message", text="hej")
    async with bot.http.post(bot.endpoint, json=activity) as response:
        assert response.status == 403
    assert await bot.services.stores.references.get("user:aad-anna") is None
    assert bot.connector.sent == []


async def test_no_connector_client_is_made_for_a_foreign_host(bot):
    auth = bot.services.adapter.bot_framework_authentication
    factory = auth.create_connector_factory(ClaimsIdentity({}, True))
    with pytest.raises(ForeignServiceUrl):
        await factory.create("https://collector.example/", "https://api.botframework.com")
    assert await factory.create(bot.connector.url, "https://api.botframework.com") is not None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.trafficmanager.net.evil.example/", False),
        ("http://smba.trafficmanager.net/emea/", False),  # never plain http to a real host
        ("https://evil.example/?smba.trafficmanager.net", False),
        ("https://user@evil.example/", False),
        ("http://127.0.0.1:9/", False),  # loopback only in local mode
        ("", False),
        ("not a url", False),
    ],
)
def test_the_allow_list_matches_whole_host_names(url, allowed):
    assert ServiceUrlPolicy(["smba.trafficmanager.net"], allow_loopback=False).allows(url) is allowed


def test_local_mode_allows_loopback_only():
    policy = ServiceUrlPolicy(["smba.trafficmanager.net"], allow_loopback=True)
    assert policy.allows("http://127.0.0.1:56150/_connector") and policy.allows("http://localhost:3978")
    assert not policy.allows("http://10.0.0.5/")
