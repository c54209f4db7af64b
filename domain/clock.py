"""Time as the domain sees it: an injected callable so tests can move it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def utc_now() -> datetime:
    return datetime.now(UTC)
