"""The statistics' pure parts: what each event counts, the histogram's percentiles, periods."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from cards.stats_card import create_stats_card
from domain.business_time import BusinessCalendar
from domain.case import SYSTEM, Action, Case, CaseKind, Organisation, OrgKind, Person
from domain.clock import STOCKHOLM
from domain.statistics import EDGES, LEAD, METRICS, TAKE, VENDOR, bucket_bounds, bucket_of, case_counts
from domain.stats_period import MAX_MONTHS, Month, PeriodError, parse_period
from domain.stats_report import build_report, percentile
from tests.support.teams_limits import card_violations

CALENDAR = BusinessCalendar()
T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Stockholm
ANNA = Person(id="29:anna", name="Anna")
KARIN = Person(id="29:karin", name="Karin")
LARS = Person(id="29:lars", name="Lars")


def _case(kind: CaseKind = CaseKind.A) -> Case:
    org = Organisation(kind=OrgKind.MUNICIPALITY, name="Timrå")
    return Case(
        id="c", kind=kind, organisation=org, patient_id="P1", submitter=ANNA, created_at=T0, updated_at=T0
    )


def _hours(case: Case) -> dict[str, int]:
    """metric → bucket of each duration the case counted."""
    found = {}
    for count in case_counts(case, CALENDAR):
        family, metric, bucket = count.field.split("|")
        if family == "h":
            found[metric] = int(bucket)
    return found


def test_a_whole_case_counts_each_step_from_the_one_before_and_the_lead_time() -> None:
    case = _case()
    at = T0
    for hours, action, actor, extra in (
        (1, Action.TAKE, KARIN, {}),
        (2, Action.REASSIGN, KARIN, {"target": LARS}),  # a hand-over does not restart the step
        (3, Action.RECORD_CALL, LARS, {}),
        (1, Action.RECORD_ADDRESS_UPDATE, LARS, {}),
        (1, Action.CONFIRM_PROTECTED, LARS, {}),
        (1, Action.RECORD_PROCESS_CLOSED, LARS, {}),
        (1, Action.RECORD_SENT_TO_VENDOR, LARS, {"detail": "INC0012345"}),
        (9 * 2, Action.RECORD_VENDOR_CONFIRMED, LARS, {}),  # two office days (over the night)
    ):
        at = CALENDAR.add_business_hours(at, hours)
        case.apply(action, actor, at, **extra)
    counted = _hours(case)
    assert counted[TAKE] == bucket_of(1)
    assert counted["record_call"] == bucket_of(5)  # since the take, across the reassignment
    assert counted["record_address_update"] == bucket_of(1)
    assert counted[VENDOR] == bucket_of(18)
    assert counted[LEAD] == bucket_of(CALENDAR.business_hours_between(T0, at))
    fields = {c.field for c in case_counts(case, CALENDAR)}
    closed_day = f"day|closed|{at.astimezone(STOCKHOLM):%d}"
    assert {"filed|A|Timrå", "ended|closed|A", closed_day, "day|filed|30"} <= fields


def test_a_withdrawn_case_ends_without_a_lead_time() -> None:
    case = _case(CaseKind.B)
    case.apply(Action.WITHDRAW, ANNA, T0 + timedelta(hours=1))
    fields = {c.field for c in case_counts(case, CALENDAR)}
    assert "ended|withdrawn|B" in fields and not any(f.startswith("h|") for f in fields)


def test_buckets_cover_every_duration() -> None:
    assert bucket_of(0) == 0 and bucket_of(-3) == 0
    for hours in (0.1, 0.25, 1, 7.9, 100, 3000, 10**6):
        low, high = bucket_bounds(bucket_of(hours))
        assert low <= hours and (hours < high or bucket_of(hours) == len(EDGES))


@pytest.mark.parametrize("seed", range(5))
def test_percentiles_from_the_histogram_are_within_a_bucket_of_the_true_ones(seed: int) -> None:
    rng = random.Random(seed)
    values = sorted(rng.lognormvariate(2, 1.2) for _ in range(rng.randint(1, 400)))
    histogram = Counter(bucket_of(v) for v in values)
    for q in (0.5, 0.9):
        true = values[max(0, -(-int(q * len(values) * 1000) // 1000) - 1)]
        estimate = percentile(histogram, q)
        assert estimate is not None
        assert abs(estimate - true) <= max(0.25, true * 0.25) + 1e-9, (q, true, estimate)
    assert percentile(Counter(), 0.5) is None


TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("words", "first", "last"),
    [
        ("", (2025, 12), (2026, 11)),
        ("2026", (2026, 1), (2026, 11)),
        ("2025", (2025, 1), (2025, 12)),
        ("2026-3", (2026, 3), (2026, 3)),
        ("2026-11", (2026, 11), (2026, 11)),
        ("2026-06 till 2026-01", (2026, 1), (2026, 6)),
        ("2026-01–2026-06", (2026, 1), (2026, 6)),
        ("6 månader", (2026, 6), (2026, 11)),
        ("senaste 2 mån", (2026, 10), (2026, 11)),
        ("3 months", (2026, 9), (2026, 11)),
        ("i år", (2026, 1), (2026, 11)),
        ("I  Fjol", (2025, 1), (2025, 12)),
        ("förra månaden", (2026, 10), (2026, 10)),
    ],
)
def test_periods(words: str, first: tuple[int, int], last: tuple[int, int]) -> None:
    period = parse_period(words, TODAY)
    assert (period.first, period.last) == (Month(*first), Month(*last))


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("igår", "unknown"),
        ("2026-13", "unknown"),
        ("1999", "unknown"),
        ("37 månader", "too_long"),
        ("0 mån", "too_long"),
        ("2020-01 till 2026-01", "too_long"),
    ],
)
def test_what_is_not_a_period(words: str, code: str) -> None:
    with pytest.raises(PeriodError) as error:
        parse_period(words, TODAY)
    assert error.value.code == code


def test_the_longest_period_is_36_months() -> None:
    assert len(parse_period(f"{MAX_MONTHS} månader", TODAY).months) == MAX_MONTHS


@pytest.mark.parametrize("words", ["", "36 månader", "2026-11"])
def test_the_card_stays_small_with_every_counter_at_its_largest(words: str) -> None:
    period = parse_period(words, TODAY)
    orgs = [
        "Region Västernorrland",
        "Sundsvall",
        "Timrå",
        "Härnösand",
        "Kramfors",
        "Sollefteå",
        "Ånge",
        "Örnsköldsvik",
    ]
    every = {f"filed|{kind}|{org}": 99_999 for kind in "AB" for org in orgs}
    every |= {f"ended|{outcome}|A": 99_999 for outcome in ("closed", "rejected", "withdrawn")}
    every |= {f"h|{metric}|{bucket}": 99_999 for metric in METRICS for bucket in range(len(EDGES) + 1)}
    report = build_report(period, {month.key: every for month in period.months})
    for locale in ("sv-SE", "en-US"):
        card = create_stats_card(
            report, locale, organisation_label=lambda name: name, day_hours=9, office=("08:00", "17:00")
        )
        assert not card_violations(card)
        assert len(json.dumps(card, ensure_ascii=False).encode()) < 16 * 1024  # well under 28 KB


def test_the_bots_servicenow_records_count_no_step_of_their_own() -> None:
    """With ServiceNow the vendor step is measured as by hand: sent from the process closed, the
    vendor wait from sent to the admin's confirmation."""
    case = _case()
    at = T0
    for hours, action, actor, extra in (
        (1, Action.TAKE, KARIN, {}),
        (1, Action.RECORD_CALL, KARIN, {}),
        (1, Action.RECORD_ADDRESS_UPDATE, KARIN, {}),
        (1, Action.CONFIRM_PROTECTED, KARIN, {}),
        (1, Action.RECORD_PROCESS_CLOSED, KARIN, {}),
        (1, Action.REQUEST_SERVICENOW, KARIN, {}),
        (1, Action.RECORD_SENT_TO_VENDOR, SYSTEM, {"detail": "INC0010001"}),
        (4, Action.RECORD_VENDOR_REPORT, SYSTEM, {"detail": "Raderat."}),
        (2, Action.RECORD_VENDOR_CONFIRMED, KARIN, {}),
    ):
        at = CALENDAR.add_business_hours(at, hours)
        case.apply(action, actor, at, detail=extra.get("detail", ""))
    counted = _hours(case)
    assert counted["record_sent_to_vendor"] == bucket_of(2)
    assert counted[VENDOR] == bucket_of(6)
    assert not {"request_servicenow", "record_vendor_report", "servicenow_failed"} & set(counted)
