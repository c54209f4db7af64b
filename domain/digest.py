"""When the weekly digest goes to the central channel, and what identifies each one.

`DIGEST_SCHEDULE` is a weekday and a Stockholm time ("mon 08:00", "fredag 15:30") or "off". Each
digest is one due-index item whose id names its ISO week (`digest:2026-W49`): every replica plans
the same item, and its send marker (the same key) lets it reach the channel once.

`next_run` is plain arithmetic (no loop) and always strictly after the moment it is given, so a
digest that reschedules itself from `max(now, its own due time)` can never land in the past and
run again at once, however far the clock jumps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from domain.business_time import require_aware
from domain.clock import STOCKHOLM

_DAYS = {
    "mon": 0, "monday": 0, "mån": 0, "måndag": 0, "man": 0,
    "tue": 1, "tuesday": 1, "tis": 1, "tisdag": 1,
    "wed": 2, "wednesday": 2, "ons": 2, "onsdag": 2,
    "thu": 3, "thursday": 3, "tor": 3, "torsdag": 3,
    "fri": 4, "friday": 4, "fre": 4, "fredag": 4,
    "sat": 5, "saturday": 5, "lör": 5, "lördag": 5,
    "sun": 6, "sunday": 6, "sön": 6, "söndag": 6,
}  # fmt: skip
_SCHEDULE = re.compile(r"([a-zåäö]+)\s+(\d{1,2})[:.](\d{2})")
OFF = frozenset({"off", "av", "none", "false", "0"})
KIND = "digest"


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int  # 0 = Monday
    at: time  # Stockholm wall time

    @classmethod
    def parse(cls, value: str) -> DigestSchedule | None:
        """'mon 08:00' → Monday 08:00; 'off' → None; anything else raises ValueError."""
        words = " ".join(value.casefold().split())
        if words in OFF:
            return None
        found = _SCHEDULE.fullmatch(words)
        if found is None or found.group(1) not in _DAYS:
            raise ValueError('expected a weekday and a time, e.g. "mon 08:00", or "off"')
        hour, minute = int(found.group(2)), int(found.group(3))
        if hour > 23 or minute > 59:
            raise ValueError(f"no such time of day: {hour:02d}:{minute:02d}")
        return cls(_DAYS[found.group(1)], time(hour, minute))

    def next_run(self, after: datetime) -> datetime:
        """The first scheduled moment strictly after `after`, as UTC."""
        require_aware(after)
        local = after.astimezone(STOCKHOLM)
        day = local.date() + timedelta(days=(self.weekday - local.weekday()) % 7)
        candidate = datetime.combine(day, self.at, tzinfo=STOCKHOLM)
        if candidate <= local:
            candidate = datetime.combine(day + timedelta(days=7), self.at, tzinfo=STOCKHOLM)
        return candidate.astimezone(UTC)


def week_of(at: datetime) -> str:
    """The Stockholm ISO week of a moment: '2026-W49'."""
    year, week, _ = at.astimezone(STOCKHOLM).isocalendar()
    return f"{year}-W{week:02d}"


def item_id(at: datetime) -> str:
    """The due-index id (and send key) of the digest planned at `at`: one per ISO week."""
    return f"{KIND}:{week_of(at)}"


def previous_week(at: datetime) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) of the Stockholm week before the one `at` is in, UTC."""
    local = at.astimezone(STOCKHOLM)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday - timedelta(days=7), time(0), tzinfo=STOCKHOLM)
    end = datetime.combine(monday, time(0), tzinfo=STOCKHOLM)
    return start.astimezone(UTC), end.astimezone(UTC)
