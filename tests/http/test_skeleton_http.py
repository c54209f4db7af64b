"""The walking skeleton through real HTTP: health, greeting, help, the fixed invoke path."""

from __future__ import annotations

import pytest

from bot import VERSION
from config import SettingsError, load_settings
from tests.support.activities import ANNA, personal_activity, reply_text


async def test_healthz_reports_store_and_local_mode_but_not_the_version(bot):
    async with bot.http.get(bot.server.make_url("/healthz")) as response:
        body = await response.json()
    assert response.status == 200
    assert body == {"status": "ok", "storage": "sqlite", "mode": "local"}
    assert VERSION not in await response.text()


async def test_the_version_is_on_metrics(bot):
    async with bot.http.get(bot.server.make_url("/metrics")) as response:
        assert response.status == 200
        lines = (await response.text()).splitlines()
    assert f'sid_build_info{{version="{VERSION}"}} 1.0' in lines


async def test_readyz_answers_when_the_store_answers(bot):
    async with bot.http.get(bot.server.make_url("/readyz")) as response:
        assert response.status == 200
        assert await response.json() == {"status": "ready"}


async def test_install_in_personal_chat_greets_in_swedish(bot):
    chat = bot.chat(ANNA)
    status, body = await chat.post(
        personal_activity(
            ANNA, bot.connector.url, type="installationUpdate", action="add", deliveryMode="expectReplies"
        )
    )
    assert status == 200
    text = reply_text(body["activities"])
    assert "Hej!" in text and "personnummer" in text


async def test_first_message_gets_the_greeting_then_help_on_hjalp(bot):
    chat = bot.chat(ANNA)
    first = await chat.say("hej")
    assert "Jag är **Skyddad ID**" in first
    help_text = await chat.say("hjälp")
    assert "aldrig" in help_text and "personnummer" in help_text
    assert "Hej!" not in help_text  # greeted once


async def test_english_locale_gets_english(bot):
    chat = bot.chat(ANNA, locale="en-GB")
    text = await chat.say("help")
    assert "Skyddad ID" in text and "never" in text


async def test_expect_replies_message_answers_200_with_activities(bot):
    replies = await bot.chat(ANNA).send("hjälp")
    assert replies and all(r["type"] == "message" for r in replies)


async def test_action_execute_with_unknown_verb_answers_200_with_an_error_card(bot):
    status, body = await bot.chat(ANNA).invoke("no.such.verb", {"x": 1})
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "en åtgärd jag inte känner till" in str(body["value"])


async def test_activity_without_type_is_a_bad_request(bot):
    async with bot.http.post(bot.endpoint, json={"text": "x"}) as response:
        assert response.status == 400


async def test_with_an_app_id_requests_without_a_token_are_refused(start_bot, settings_for):
    bot = await start_bot(
        settings_for(
            app_id="00000000-0000-0000-0000-000000000001",
            app_password="not-a-real-secret",
            app_tenant_id="tenant-vnl",
            allowed_tenant_ids="tenant-vnl",
        )
    )
    activity = personal_activity(ANNA, bot.connector.url, type="message", text="hej")
    async with bot.http.post(bot.endpoint, json=activity) as response:
        assert response.status == 401


def test_local_mode_refuses_to_bind_beyond_loopback():
    with pytest.raises(SettingsError, match="loopback"):
        load_settings(_env_file=None, host="0.0.0.0")


def test_credentials_need_an_allowed_tenant():
    with pytest.raises(SettingsError, match="ALLOWED_TENANT_IDS"):
        load_settings(_env_file=None, app_id="some-app", app_password="x", app_tenant_id="t")


def test_bad_settings_are_reported_one_line_each():
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None, port=0, patient_id_pattern="([")
    message = str(error.value)
    assert "port" in message and "patient_id_pattern" in message


async def test_no_response_names_the_server_software(bot):
    for method, path in (
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/nowhere"),
        ("POST", "/api/messages"),
    ):
        async with bot.http.request(method, bot.server.make_url(path), data=b"[]") as response:
            assert "Server" not in response.headers, (method, path, response.headers.get("Server"))
