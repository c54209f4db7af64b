"""Audit export for the region's log review: every audit event in a period, as CSV or JSON lines.

    .venv/bin/python -m scripts.export_audit --from 2026-01-01 --to 2026-12-31 --format csv

Reads the store the bot is configured with (the same settings: environment or `.env`; Redis when
REDIS_URL is set, else the SQLite file under DATA_DIR). One row per audit event: time, case
number, case type, organisation, action, actor, outcome. Never a Patient ID, a care-episode ID
or typed free text — before and after the retention purge alike — because the export is built
only from fields the bot itself fills: it never copies an entry's detail.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from adapters.stores import open_stores
from config import SettingsError, load_settings
from domain.case import Action, Case, Status
from domain.clock import STOCKHOLM
from domain.ports import AuditEntry, Stores, StoreUnavailable

FIELDS = ("time", "case_number", "case_type", "organisation", "action", "actor", "actor_id", "outcome")
# A refusal's detail is "<reason>:<verb>"; the verb came from a card, so only code-like words pass.
_REFUSAL = re.compile(r"[a-z_]{1,40}(?::[a-z_.]{1,60})?")


def _outcome(entry: AuditEntry, case: Case | None) -> str:
    """The case's status after the action, or why it was refused."""
    if entry.what == "refused":
        return f"refused:{entry.detail}" if _REFUSAL.fullmatch(entry.detail) else "refused"
    if case is None:
        return ""
    if entry.what == "filed":
        forwarded = bool(case.events) and case.events[0].action is Action.FORWARD
        return (Status.AWAITING_FORWARD if forwarded else Status.RECEIVED).value
    for event in case.events:
        if event.at == entry.at and event.action.value == entry.what:
            return event.status_after.value
    return ""


def row(entry: AuditEntry, case: Case | None) -> dict[str, str]:
    return {
        "time": entry.at.astimezone(STOCKHOLM).isoformat(),
        "case_number": case.number if case else "",
        "case_type": case.kind.value if case else "",
        "organisation": case.organisation.name if case else "",
        "action": entry.what if re.fullmatch(r"[a-z_]{1,40}", entry.what) else "",
        "actor": entry.actor.name,
        "actor_id": entry.actor.aad_id or entry.actor.id,
        "outcome": _outcome(entry, case),
    }


async def export_rows(stores: Stores, start: datetime, end: datetime) -> list[dict[str, str]]:
    """Rows for every audit event with start <= time < end, oldest first."""
    cases: dict[str, Case | None] = {}
    rows = []
    for entry in await stores.audit.between(start, end):
        if entry.case_id not in cases:
            cases[entry.case_id] = await stores.cases.get(entry.case_id)
        rows.append(row(entry, cases[entry.case_id]))
    return rows


def write(rows: Iterable[dict[str, str]], fmt: str, out: IO[str]) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    for item in rows:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")


def period(first: date, last: date) -> tuple[datetime, datetime]:
    """Whole Stockholm days, `last` included."""
    start = datetime.combine(first, time(0), tzinfo=STOCKHOLM)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=STOCKHOLM)
    return start, end


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.export_audit", description="Export the audit events of a period."
    )
    parser.add_argument("--from", dest="first", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument(
        "--to", dest="last", type=date.fromisoformat, required=True, help="YYYY-MM-DD, included"
    )
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--output", help="file to write (default: standard output)")
    return parser


async def _export(args: argparse.Namespace, overrides: dict[str, Any]) -> int:
    stores = await open_stores(load_settings(**overrides))
    try:
        rows = await export_rows(stores, *period(args.first, args.last))
    finally:
        await stores.close()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write(rows, args.format, out)
    else:
        write(rows, args.format, sys.stdout)
    return len(rows)


def main(argv: Sequence[str] | None = None, **overrides: Any) -> int:
    """Exit code: 0 written, 1 store unavailable or bad settings, 2 bad arguments."""
    args = _parser().parse_args(argv)
    if args.last < args.first:
        _parser().error("--to is before --from")
    try:
        count = asyncio.run(_export(args, overrides))
    except (StoreUnavailable, SettingsError) as error:
        print(f"export failed: {error}", file=sys.stderr)  # noqa: T201 - a command-line tool
        return 1
    print(f"{count} audit events written", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
