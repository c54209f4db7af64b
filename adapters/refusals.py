"""One short log line per refused request, throttled so a flood cannot fill the disk.

A probe of 500 two-byte bodies once grew the log by 1.4 MB of tracebacks. Refusals are logged as
one line each (no traceback, never the body or the token), at most `per_minute` lines a minute;
the rest are counted and reported in one line when the next minute starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("adapters.edge")


class RefusalLog:
    def __init__(self, per_minute: int = 60, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._window_start = float("-inf")
        self._logged = 0
        self._suppressed = 0

    def refused(self, status: int, reason: str, remote: str | None) -> None:
        now = self._clock()
        if now - self._window_start >= 60:
            if self._suppressed:
                log.warning("%d more refused requests in the last minute were not logged", self._suppressed)
            self._window_start, self._logged, self._suppressed = now, 0, 0
        if self._logged >= self.per_minute:
            self._suppressed += 1
            return
        self._logged += 1
        log.warning("refused a request from %s with %d: %s", remote or "?", status, reason)
