"""`@bot statistik` as data: the counters of a period's months summed into what the card shows,
and the start-up backfill that counts cases filed before the statistics existed.

A report reads one counter hash per month of the period (at most 36), never a case: its cost
does not grow with the number of cases (bench/bench_scale.py measures it).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.business_time import BusinessCalendar
from domain.clock import STOCKHOLM, Clock
from domain.ports import Statistics, StoreUnavailable
from domain.statistics import METRICS, bucket_bounds, case_counts
from domain.stats_period import Period, parse_period

log = logging.getLogger(__name__)

OUTCOMES = ("closed", "rejected", "withdrawn")


@dataclass(frozen=True)
class Durations:
    metric: str  # domain.statistics.METRICS
    count: int
    median: float | None  # business hours
    p90: float | None


@dataclass(frozen=True)
class MonthRow:
    month: str  # "2026-11"
    a: int
    b: int

    @property
    def total(self) -> int:
        return self.a + self.b


@dataclass(frozen=True)
class StatisticsReport:
    period: Period
    months: list[MonthRow]  # every month of the period, oldest first
    organisations: list[tuple[str, int]]  # stored name, cases filed; most first
    ended: dict[str, int]  # OUTCOMES → cases that ended in the period
    durations: list[Durations]  # METRICS order, those with at least one value

    @property
    def filed(self) -> int:
        return sum(row.total for row in self.months)


def percentile(histogram: Counter[int], q: float) -> float | None:
    """The q-quantile (nearest rank) of the values in `histogram` (bucket → count), interpolated
    inside its bucket; off by at most that bucket's width (domain/statistics.py, EDGES)."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = max(1, -(-q * total // 1))  # ceil(q * total), at least the first value
    seen = 0
    for bucket in sorted(histogram):
        count = histogram[bucket]
        if seen + count >= rank:
            low, high = bucket_bounds(bucket)
            return low + (high - low) * (rank - seen - 0.5) / count
        seen += count
    return None  # unreachable: rank <= total


def build_report(period: Period, counters: dict[str, dict[str, int]]) -> StatisticsReport:
    rows, organisations, ended = [], Counter[str](), Counter[str]()
    histograms: dict[str, Counter[int]] = {metric: Counter() for metric in METRICS}
    for month in period.months:
        fields = counters.get(month.key, {})
        kinds = Counter[str]()
        for field, value in fields.items():
            family, _, rest = field.partition("|")
            if family == "filed":
                kind, _, organisation = rest.partition("|")
                kinds[kind] += value
                organisations[organisation] += value
            elif family == "ended":
                ended[rest.partition("|")[0]] += value
            elif family == "h":
                metric, _, bucket = rest.partition("|")
                if metric in histograms and bucket.isdigit():
                    histograms[metric][int(bucket)] += value
        rows.append(MonthRow(month.key, kinds["A"], kinds["B"]))
    durations = [
        Durations(metric, sum(h.values()), percentile(h, 0.5), percentile(h, 0.9))
        for metric, h in histograms.items()
        if h
    ]
    return StatisticsReport(
        period=period,
        months=rows,
        organisations=sorted(organisations.items(), key=lambda item: (-item[1], item[0])),
        ended={outcome: ended[outcome] for outcome in OUTCOMES},
        durations=durations,
    )


class StatisticsService:
    def __init__(self, stats: Statistics, calendar: BusinessCalendar, clock: Clock) -> None:
        self._stats = stats
        self._calendar = calendar
        self._clock = clock

    async def report(self, words: str = "") -> StatisticsReport:
        """The statistics of the period `words` name (stats_period.py; PeriodError otherwise).
        A plain coroutine over the store: the channel command and the benchmark call it."""
        period = parse_period(words, self._clock().astimezone(STOCKHOLM).date())
        counters = await self._stats.months([month.key for month in period.months])
        return build_report(period, counters)

    async def day_counts(self, start: datetime, end: datetime) -> Counter[str]:
        """The per-day counters summed over the Stockholm days start <= day < end: "filed",
        "closed", "rejected", "withdrawn" (last week, for the weekly digest)."""
        first, last = start.astimezone(STOCKHOLM).date(), end.astimezone(STOCKHOLM).date()
        counters = await self._stats.months(sorted({f"{first:%Y-%m}", f"{last:%Y-%m}"}))
        days = set()
        day = first
        while day < last:
            days.add((f"{day:%Y-%m}", f"{day:%d}"))
            day += timedelta(days=1)
        total = Counter[str]()
        for month, fields in counters.items():
            for field, value in fields.items():
                family, _, rest = field.partition("|")
                what, _, dd = rest.partition("|")
                if family == "day" and (month, dd) in days:
                    total[what] += value
        return total

    async def backfill(self, batch: int = 500, passes: int = 3) -> int:
        """Count the cases stored before the statistics existed, each once (several replicas may
        run this at the same time: the store counts a case only if it is still uncounted and
        unchanged). Returns how many this call counted; cheap when there are none."""
        counted = 0
        for _ in range(passes):
            if not await self._stats.pending():
                break
            cursor, first = "", True
            while first or cursor:
                first = False
                cursor, cases = await self._stats.uncounted(cursor, batch)
                for case in cases:
                    counted += await self._stats.count(case, case_counts(case, self._calendar))
        if counted:
            log.info("statistics: counted %d cases filed before they existed", counted)
        return counted

    async def backfill_at_start(self) -> None:
        try:
            await self.backfill()
        except StoreUnavailable as error:  # the next start catches up
            log.warning("statistics backfill skipped, store unavailable: %s", error)
