"""The statistics counters on SQLite: one row per (month, counter), added to in the case write's
transaction (sqlite_rows.write_follow_ups); `cases.stats_counted` says which cases count."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from adapters.sqlite_db import SqliteDatabase
from adapters.sqlite_rows import add_stats
from domain.case import Case
from domain.ports import StatCount


class SqliteStatistics:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def months(self, months: Sequence[str]) -> dict[str, dict[str, int]]:
        wanted = sorted(set(months))
        if not wanted:
            return {}
        query = f"SELECT month, field, value FROM stats WHERE month IN ({', '.join('?' * len(wanted))})"
        rows = await self._db.read(lambda conn: conn.execute(query, wanted).fetchall())
        found: dict[str, dict[str, int]] = {}
        for month, field, value in rows:
            found.setdefault(month, {})[field] = int(value)
        return found

    async def pending(self) -> int:
        query = "SELECT count(*) FROM cases WHERE stats_counted = 0"
        ((count,),) = await self._db.read(lambda conn: conn.execute(query).fetchall())
        return int(count)

    async def uncounted(self, cursor: str = "", limit: int = 500) -> tuple[str, list[Case]]:
        query = "SELECT id, body FROM cases WHERE stats_counted = 0 AND id > ? ORDER BY id LIMIT ?"
        rows = await self._db.read(lambda conn: conn.execute(query, (cursor, limit)).fetchall())
        cases = [Case.model_validate_json(body) for _, body in rows]
        return (rows[-1][0] if len(rows) == limit else ""), cases

    async def count(self, case: Case, counts: Sequence[StatCount]) -> bool:
        def count(conn: sqlite3.Connection) -> bool:
            marked = conn.execute(
                "UPDATE cases SET stats_counted = 1 WHERE id = ? AND version = ? AND stats_counted = 0",
                (case.id, case.version),
            ).rowcount
            if marked == 1:
                add_stats(conn, counts)
            return marked == 1

        return bool(await self._db.write(count))
