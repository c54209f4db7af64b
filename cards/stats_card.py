"""The `@bot statistik` card: bars built from Adaptive Card columns, not an image.

A bar is a Column with a background style whose weighted width is the count, beside an empty
column holding the rest of the row's scale. Why not a rendered chart: Teams cards cannot carry an
image without hosting it somewhere Teams fetches it (a data: URI is not reliably shown, and a
hosted image would put statistics of protected-identity cases on a public URL); columns follow the
Teams theme (dark mode, high contrast) because the styles are the host's colours, and every bar
has its label and number beside it as text, so a screen reader reads what a glance sees.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cards.common import Card, adaptive_card, facts, heading, paragraph
from domain.stats_period import Period
from domain.stats_report import OUTCOMES, StatisticsReport
from messages import language, literal, text

_OUTCOME_STYLE = {"closed": "good", "rejected": "attention", "withdrawn": "warning"}
_LABEL_WIDTH = "110px"
_VALUE_WIDTH = "36px"
MONTH_BARS = 12  # longer periods get a bar per quarter: the card stays small


def create_stats_card(
    report: StatisticsReport,
    locale: str | None,
    *,
    organisation_label: Callable[[str], str],
    day_hours: float,
    office: tuple[str, str],
) -> Card:
    """The whole card; `organisation_label` turns a stored organisation name into its display
    form, `day_hours` is one office day (durations of two days and more are shown in days)."""
    months = month_names(locale)
    a = sum(row.a for row in report.months)
    b = sum(row.b for row in report.months)
    body: list[dict[str, Any]] = [
        heading(text("stats_title", locale, period=period_label(report.period, months))),
        paragraph(
            text(
                "stats_summary",
                locale,
                filed=report.filed,
                a=a,
                b=b,
                **{outcome: report.ended[outcome] for outcome in OUTCOMES},
            )
        ),
    ]
    if not report.filed and not any(report.ended.values()):
        body.append(paragraph(text("stats_none", locale), isSubtle=True))
        return adaptive_card(body)
    rows = _filed_rows(report, months, locale)
    by_quarter = len(report.months) > MONTH_BARS
    body += _section(text("stats_filed_quarter_heading" if by_quarter else "stats_filed_heading", locale))
    body.append(paragraph(text("stats_legend", locale), isSubtle=True, size="small", spacing="none"))
    scale = max((a + b for _, a, b in rows), default=0)
    for label, a, b in rows:
        body.append(_bar_row(label, a + b, scale, [(a, "accent"), (b, "good")]))
    if report.organisations:
        body += _section(text("stats_org_heading", locale))
        top = report.organisations[0][1]
        for name, count in report.organisations:
            body.append(_bar_row(literal(organisation_label(name)), count, top, [(count, "accent")]))
    body += _section(text("stats_ended_heading", locale))
    top = max(report.ended.values())
    for outcome in OUTCOMES:
        label, count = text(f"stats_outcome_{outcome}", locale), report.ended[outcome]
        body.append(_bar_row(label, count, top, [(count, _OUTCOME_STYLE[outcome])]))
    body += _section(text("stats_durations_heading", locale))
    if report.durations:
        pairs: list[tuple[str, str]] = []
        for d in report.durations:
            shown = text(
                "stats_duration_value",
                locale,
                median=duration(d.median, day_hours, locale),
                p90=duration(d.p90, day_hours, locale),
                count=d.count,
            )
            pairs.append((text(f"stats_metric_{d.metric}", locale), shown))
        body.append(facts(pairs))
    else:
        body.append(paragraph(text("stats_durations_none", locale), isSubtle=True))
    footnote = text("stats_footnote", locale, opens=office[0], closes=office[1])
    body.append(paragraph(footnote, isSubtle=True, size="small"))
    return adaptive_card(body)


def _filed_rows(
    report: StatisticsReport, months: list[str], locale: str | None
) -> list[tuple[str, int, int]]:
    """(label, type A, type B) per month, or per quarter past MONTH_BARS months (card size)."""
    if len(report.months) <= MONTH_BARS:
        return [(_month_label(row.month, months), row.a, row.b) for row in report.months]
    quarters: dict[str, tuple[int, int]] = {}
    for row in report.months:
        year, month = row.month.split("-")
        label = text("stats_quarter", locale, quarter=(int(month) - 1) // 3 + 1, year=year)
        a, b = quarters.get(label, (0, 0))
        quarters[label] = (a + row.a, b + row.b)
    return [(label, a, b) for label, (a, b) in quarters.items()]


def _section(title: str) -> list[dict[str, Any]]:
    return [{"type": "TextBlock", "text": title, "weight": "bolder", "wrap": True, "spacing": "medium"}]


def _bar_row(label: str, total: int, scale: int, parts: list[tuple[int, str]]) -> dict[str, Any]:
    """label | a coloured column per part | an empty one for the rest of the scale | the number.
    The label and number have fixed widths; the weighted columns share what is left."""
    bar: list[dict[str, Any]] = [
        {"type": "Column", "width": f"{count}", "style": style, "minHeight": "16px", "items": []}
        for count, style in parts
        if count > 0
    ]
    if scale - total > 0 or not bar:
        bar.append({"type": "Column", "width": f"{max(scale - total, 1)}", "items": []})
    return {
        "type": "ColumnSet",
        "spacing": "small",
        "columns": [
            {"type": "Column", "width": _LABEL_WIDTH, "items": [_small(label)]},
            *bar,
            {"type": "Column", "width": _VALUE_WIDTH, "items": [_small(str(total), right=True)]},
        ],
    }


def _small(value: str, *, right: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": value, "size": "small"}
    if right:
        block["horizontalAlignment"] = "right"
    return block


def month_names(locale: str | None) -> list[str]:
    return text("month_names", locale).split(",")


def _month_label(key: str, names: list[str]) -> str:
    year, month = key.split("-")
    return f"{names[int(month) - 1]} {year}"


def period_label(period: Period, names: list[str]) -> str:
    first = _month_label(period.first.key, names)
    last = _month_label(period.last.key, names)
    return first if first == last else f"{first} – {last}"


def duration(hours: float | None, day_hours: float, locale: str | None) -> str:
    """'2,5 tim' under two office days, else '3,1 dagar' (Swedish decimal comma)."""
    if hours is None:
        return "–"
    if hours >= 2 * day_hours:
        return text("stats_days", locale, value=_decimal(hours / day_hours, locale))
    return text("stats_hours", locale, value=_decimal(hours, locale))


def _decimal(value: float, locale: str | None) -> str:
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if language(locale) == "sv" else shown
