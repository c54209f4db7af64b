"""ServiceNow settings: off unless an instance is set; the Patient ID goes there over TLS only,
with exactly one way to sign in."""

from __future__ import annotations

import pytest

from config import SettingsError, load_settings

OAUTH = {"servicenow_client_id": "bot", "servicenow_client_secret": "secret"}
BASIC = {"servicenow_user": "svc", "servicenow_password": "pw"}


def settings(**values: object):
    return load_settings(_env_file=None, **values)


def test_off_by_default():
    assert not settings().servicenow_enabled


@pytest.mark.parametrize(
    "url",
    ["https://region.service-now.com", "http://127.0.0.1:8123", "http://localhost:9"],
)
def test_https_or_a_loopback_test_instance(url):
    assert settings(servicenow_instance_url=url, **OAUTH).servicenow_enabled


@pytest.mark.parametrize(
    "url",
    [
        "http://region.service-now.com",  # the Patient ID would travel in clear text
        "http://10.0.0.5",
        "ftp://region.service-now.com",
        "https://region.service-now.com/api/now",
        "https://user@region.service-now.com",
        "region.service-now.com",
    ],
)
def test_anything_else_stops_the_bot_with_one_line(url):
    with pytest.raises(SettingsError, match="SERVICENOW_INSTANCE_URL"):
        settings(servicenow_instance_url=url, **OAUTH)


@pytest.mark.parametrize(
    "auth", [{}, {**OAUTH, **BASIC}, {"servicenow_client_id": "bot"}, {"servicenow_user": "svc"}]
)
def test_exactly_one_complete_way_to_sign_in(auth):
    with pytest.raises(SettingsError, match="OAuth"):
        settings(servicenow_instance_url="https://region.service-now.com", **auth)


def test_basic_auth_alone_is_enough():
    assert settings(servicenow_instance_url="https://region.service-now.com", **BASIC).servicenow_enabled


def test_the_table_name_is_checked():
    with pytest.raises(SettingsError, match="servicenow_table"):
        settings(servicenow_table="incident; drop")


def test_a_callback_secret_is_long_and_needs_an_instance():
    with pytest.raises(SettingsError, match="at least 32"):
        settings(
            servicenow_instance_url="https://region.service-now.com",
            servicenow_callback_secret="short",
            **OAUTH,
        )
    with pytest.raises(SettingsError, match="needs SERVICENOW_INSTANCE_URL"):
        settings(servicenow_callback_secret="x" * 40)
    assert settings(
        servicenow_instance_url="https://region.service-now.com", servicenow_callback_secret="x" * 40, **OAUTH
    ).servicenow_callback_secret
