"""Time as the domain sees it: an injected callable so tests can move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utc_now() -> datetime:
    return datetime.now(UTC)


def offset_clock(hours: float, base: Clock = utc_now) -> Clock:
    """`base` shifted by `hours` (drills, acceptance tests: "the clock is far ahead"); 0 = `base`."""
    if not hours:
        return base
    shift = timedelta(hours=hours)

    def shifted() -> datetime:
        return base() + shift

    return shifted
