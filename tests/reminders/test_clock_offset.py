"""CLOCK_OFFSET_HOURS (drills: "the clock is far ahead") and OUTBOX_LEASE_SECONDS reach the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot import SERVICES, create_app
from config import SettingsError, load_settings
from domain.clock import offset_clock, utc_now
from tests.conftest import FakeClock


def test_offset_clock_shifts_the_base_clock() -> None:
    base = FakeClock(datetime(2026, 12, 5, 11, 0, tzinfo=UTC))
    assert offset_clock(0, base) is base
    assert offset_clock(0) is utc_now
    assert offset_clock(49.5, base)() == datetime(2026, 12, 7, 12, 30, tzinfo=UTC)
    assert offset_clock(-1, base)() == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    base.advance(minutes=5)  # it follows its base
    assert offset_clock(1, base)() == datetime(2026, 12, 5, 12, 5, tzinfo=UTC)


async def test_the_default_clock_and_lease_honour_the_settings(tmp_path: Path) -> None:
    settings = load_settings(
        _env_file=None, data_dir=tmp_path / "data", clock_offset_hours=72, outbox_lease_seconds=9
    )
    runner = web.AppRunner(create_app(settings))  # no clock given: the production clock
    await runner.setup()
    try:
        services = runner.app[SERVICES]
        ahead = services.clock() - datetime.now(UTC)
        assert timedelta(hours=72) - timedelta(minutes=1) < ahead <= timedelta(hours=72)
        assert services.worker._lease == timedelta(seconds=9)
    finally:
        await runner.cleanup()


async def test_a_clock_passed_in_wins_over_the_offset(start_bot, settings_for, clock: FakeClock) -> None:
    bot = await start_bot(settings_for(clock_offset_hours=72))
    assert bot.services.clock is clock


def test_the_defaults_are_no_offset_and_a_two_minute_lease() -> None:
    settings = load_settings(_env_file=None)
    assert settings.clock_offset_hours == 0
    assert settings.outbox_lease_seconds == 120


def test_a_shifted_clock_is_refused_outside_local_mode() -> None:
    with pytest.raises(SettingsError, match=r"CLOCK_OFFSET_HOURS=48: .*local mode only"):
        load_settings(
            _env_file=None,
            app_id="app",
            app_password="secret",
            app_tenant_id="tenant",
            allowed_tenant_ids="tenant",
            clock_offset_hours=48,
        )


@pytest.mark.parametrize("value", ["inf", "nan", "1e9", "soon"])
def test_an_unusable_offset_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match="clock_offset_hours"):
        load_settings(_env_file=None, clock_offset_hours=value)


def test_a_lease_below_one_second_is_refused() -> None:
    with pytest.raises(SettingsError, match="outbox_lease_seconds"):
        load_settings(_env_file=None, outbox_lease_seconds=0.5)
