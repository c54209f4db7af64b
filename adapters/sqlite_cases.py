"""Cases on SQLite: one row per case with the filterable fields as columns beside the JSON.

The per-year counter and the case row are written in one BEGIN IMMEDIATE transaction, so two
processes never share a number and a failed create never burns one. An update is a single
`UPDATE ... WHERE version = ?`: the row count says whether our version was still current.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from adapters.sqlite_db import SqliteDatabase
from adapters.store_keys import ALL_CASES, case_number, case_year, to_micros
from domain.case import Case
from domain.ports import CaseFilter, VersionConflict

_COLUMNS = "status, is_open, organisation, submitter_id, assignee_id, version, body"


def _columns(case: Case) -> tuple[Any, ...]:
    assignee = case.assignee.id if case.assignee is not None else None
    return (
        case.status.value,
        int(case.is_open),
        case.organisation.name,
        case.submitter.id,
        assignee,
        case.version,
        case.model_dump_json(),
    )


class SqliteCases:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def create(self, case: Case) -> Case:
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
                f"INSERT INTO cases (id, number, created_at, {_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.id, stored.number, to_micros(stored.created_at), *_columns(stored)),
            )
            return stored.model_dump_json()

        return Case.model_validate_json(await self._db.write(create))

    async def get(self, case_id: str) -> Case | None:
        return await self._one("SELECT body FROM cases WHERE id = ?", case_id)

    async def get_by_number(self, number: str) -> Case | None:
        return await self._one("SELECT body FROM cases WHERE number = ?", number)

    async def _one(self, query: str, value: str) -> Case | None:
        row = await self._db.read(lambda conn: conn.execute(query, (value,)).fetchone())
        return None if row is None else Case.model_validate_json(row[0])

    async def update(self, case: Case) -> Case:
        stored = case.model_copy(update={"version": case.version + 1})

        def update(conn: sqlite3.Connection) -> None:
            changed = conn.execute(
                "UPDATE cases SET status = ?, is_open = ?, organisation = ?, submitter_id = ?,"
                " assignee_id = ?, version = ?, body = ? WHERE id = ? AND version = ?",
                (*_columns(stored), case.id, case.version),
            ).rowcount
            if changed == 1:
                return
            if conn.execute("SELECT 1 FROM cases WHERE id = ?", (case.id,)).fetchone() is None:
                raise VersionConflict(f"case {case.id} does not exist")
            raise VersionConflict(f"case {case.id} changed since version {case.version}")

        await self._db.write(update)
        return Case.model_validate_json(stored.model_dump_json())

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
