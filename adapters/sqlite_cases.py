"""Cases on SQLite: one row per case with the filterable fields as columns beside the JSON.

The per-year counter, the case row and its follow-ups (audit entry, outbox item, reminder) are
written in one BEGIN IMMEDIATE transaction, so two processes never share a number, a failed create
never burns one, and a case is never stored without what must follow it. An update is a single
`UPDATE ... WHERE version = ?`: the row count says whether our version was still current.
"""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.logging_setup import bind_case
from adapters.sqlite_db import SqliteDatabase
from adapters.sqlite_rows import write_follow_ups
from adapters.store_keys import ALL_CASES, case_number, case_year, from_micros, to_micros
from domain.case import Case
from domain.ports import (
    NO_FOLLOW_UPS,
    CaseFilter,
    FollowUps,
    IdleEntry,
    IdlePage,
    RecentFilings,
    VersionConflict,
)
from domain.reminders import ReminderKind, reminder_kind

_COLUMNS = "status, is_open, organisation, submitter_id, assignee_id, idle_kind, idle_since, version, body"
_SET_COLUMNS = ", ".join(f"{name.strip()} = ?" for name in _COLUMNS.split(","))


_MAX_MICROS = 2**62


def idle_columns(case: Case) -> tuple[str | None, int | None]:
    """The idle index of a case: its reminder kind and since when (NULLs once it is final)."""
    kind = reminder_kind(case)
    return (None, None) if kind is None else (kind.value, to_micros(case.updated_at))


def _columns(case: Case) -> tuple[Any, ...]:
    assignee = case.assignee.id if case.assignee is not None else None
    return (
        case.status.value,
        int(case.is_open),
        case.organisation.name,
        case.submitter.id,
        assignee,
        *idle_columns(case),
        case.version,
        case.model_dump_json(),
    )


class SqliteCases:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        year = case_year(case)

        def create(conn: sqlite3.Connection) -> str:
            if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case.id,)).fetchone():
                raise VersionConflict(f"case {case.id} already exists")
            ((n,),) = conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1)"
                " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                (f"case-number:{year}",),
            ).fetchall()
            stored = case.model_copy(update={"number": case_number(year, n)})
            conn.execute(
                f"INSERT INTO cases (id, number, created_at, stats_counted, {_COLUMNS})"
                " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, stored.number, to_micros(stored.created_at), *_columns(stored)),
            )
            write_follow_ups(conn, follow, counted=True)  # same transaction: all of it or none
            return stored.model_dump_json()

        return bind_case(Case.model_validate_json(await self._db.write(create)))

    async def get(self, case_id: str) -> Case | None:
        return await self._one("SELECT body FROM cases WHERE id = ?", case_id)

    async def get_by_number(self, number: str) -> Case | None:
        return await self._one("SELECT body FROM cases WHERE number = ?", number)

    async def _one(self, query: str, value: str) -> Case | None:
        row = await self._db.read_now(lambda conn: conn.execute(query, (value,)).fetchone())
        return None if row is None else bind_case(Case.model_validate_json(row[0]))

    async def update(self, case: Case, follow: FollowUps = NO_FOLLOW_UPS) -> Case:
        stored = case.next_version()

        def update(conn: sqlite3.Connection) -> None:
            changed = conn.execute(
                f"UPDATE cases SET {_SET_COLUMNS} WHERE id = ? AND version = ?",
                (*_columns(stored), case.id, case.version),
            ).rowcount
            if changed == 1:
                ((counted,),) = conn.execute("SELECT stats_counted FROM cases WHERE id = ?", (case.id,))
                write_follow_ups(conn, follow, counted=bool(counted))  # same transaction
                return
            if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case.id,)).fetchone() is None:
                raise VersionConflict(f"case {case.id} does not exist")
            raise VersionConflict(f"case {case.id} changed since version {case.version}")

        await self._db.write(update)
        return stored

    async def list(self, where: CaseFilter = ALL_CASES) -> list[Case]:
        """Oldest first (created_at, then number), like the Redis store."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("status", where.status.value if where.status is not None else None),
            ("is_open", 1 if where.open_only else None),
            ("organisation", where.organisation),
            ("submitter_id", where.submitter_id),
            ("assignee_id", where.assignee_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        query = "SELECT body FROM cases"
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY created_at, number"
        rows = await self._db.read(lambda conn: conn.execute(query, params).fetchall())
        return [Case.model_validate_json(body) for (body,) in rows]

    async def get_many(self, case_ids: Sequence[str]) -> builtins.list[Case]:
        ids = list(dict.fromkeys(case_ids))
        if not ids:
            return []
        query = f"SELECT id, body FROM cases WHERE id IN ({', '.join('?' * len(ids))})"
        rows = dict(await self._db.read(lambda conn: conn.execute(query, ids).fetchall()))
        return [Case.model_validate_json(rows[case_id]) for case_id in ids if case_id in rows]

    async def filed_by(self, submitter_id: str, since: datetime, case_id: str) -> RecentFilings:
        """A range of the (submitter_id, created_at) index: her cases after `since` only."""

        def read(conn: sqlite3.Connection) -> tuple[int, str | None]:
            ((count,),) = conn.execute(
                "SELECT count(*) FROM cases WHERE submitter_id = ? AND created_at > ?",
                (submitter_id, to_micros(since)),
            )
            row = conn.execute(
                "SELECT body FROM cases WHERE id = ? AND submitter_id = ?", (case_id, submitter_id)
            ).fetchone()
            return int(count), None if row is None else str(row[0])

        count, body = await self._db.read_now(read, snapshot=True)  # the count and the case from one commit
        return RecentFilings(count, None if body is None else bind_case(Case.model_validate_json(body)))

    async def idle(
        self, kind: ReminderKind, *, until: datetime | None = None, offset: int = 0, limit: int = 50
    ) -> IdlePage:
        """Index-only reads of cases_idle (idle_kind, idle_since, id) and the per-kind count the
        triggers keep (idle_counts); no case body. The total with `until` is the kind's count less
        the cases not idle that long: those entered their idle period within one reminder span,
        so that range stays short however many cases wait (counting the overdue side grew with
        them: ~40 ms at 100,000 open cases)."""
        bound = _MAX_MICROS if until is None else to_micros(until)

        def page(conn: sqlite3.Connection) -> tuple[int, list[tuple[str, int]]]:
            found = conn.execute("SELECT n FROM idle_counts WHERE idle_kind = ?", (kind.value,)).fetchone()
            total = int(found[0]) if found else 0
            if until is not None:
                ((newer,),) = conn.execute(
                    "SELECT count(*) FROM cases WHERE idle_kind = ? AND idle_since > ?", (kind.value, bound)
                )
                total -= newer
            rows = conn.execute(
                "SELECT id, idle_since FROM cases WHERE idle_kind = ? AND idle_since <= ?"
                " ORDER BY idle_since, id LIMIT ? OFFSET ?",
                (kind.value, bound, max(0, limit), max(0, offset)),
            ).fetchall()
            return total, rows

        # On the reader's thread: an OFFSET deep into 100,000 idle cases walks the index (tens of ms).
        total, rows = await self._db.read(page, snapshot=True)  # the total and the page agree
        return IdlePage(total, [IdleEntry(case_id, from_micros(at)) for case_id, at in rows])
