"""The audit export as an operator runs it: `python -m scripts.export_audit` in its own process,
reading the store the bot wrote, on both stores — before and after the retention purge."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
from pathlib import Path
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from scripts.export_audit import FIELDS
from tests.privacy.conftest import EPISODE_ID
from tests.routing.conftest import ERIK, Team, find_action
from tests.support.activities import ANNA, KARIN

REPO = Path(__file__).parents[2]
REASON = "Fel patient: P12345 har ingen markering"


async def export(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scripts.export_audit",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, team_settings):
    """(bot settings, the environment an operator's shell would have for the same store)."""
    env = {k: v for k, v in os.environ.items()}
    if request.param == "sqlite":
        settings = team_settings()
        yield settings, {**env, "DATA_DIR": str(settings.data_dir)}
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"sidexport-{uuid4().hex[:10]}"
    yield (
        team_settings(redis_url=url, redis_key_prefix=prefix),
        {**env, "REDIS_URL": url, "REDIS_KEY_PREFIX": prefix},
    )
    client = Redis.from_url(url, decode_responses=True)
    doomed = [key async for key in client.scan_iter(match=f"{prefix}:*")]
    if doomed:
        await client.delete(*doomed)
    await client.aclose()


async def test_the_export_lists_every_event_of_the_period_without_patient_ids_before_and_after_the_purge(
    start_bot, store, clock
):
    settings, env = store
    team = Team(await start_bot(settings))
    assert "central" in await team.link()
    case = await team.file(ANNA, episode=EPISODE_ID)
    await team.drain()
    view = await team.view(KARIN, case)
    await team.invoke(ERIK, "case.take", find_action(view, "case.take")["data"])  # refused: not an admin
    card = await team.click(KARIN, view, "case.take")
    card = await team.click(KARIN, card, "case.record_address_update")
    await team.click(KARIN, card, "case.reject_not_protected", reason=REASON)
    await team.drain()

    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    code, before, err = await export(env, *period, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(before)))
    assert [r["action"] for r in rows] == [
        "filed",
        "refused",
        "take",
        "record_address_update",
        "reject_not_protected",
    ]
    assert {r["case_number"] for r in rows} == {"SID-2026-0001"}
    assert {(r["case_type"], r["organisation"]) for r in rows} == {("B", "Region Västernorrland")}
    assert [r["actor"] for r in rows] == [
        "Anna Lindqvist",
        "Erik Sjöberg",
        "Karin Holm",
        "Karin Holm",
        "Karin Holm",
    ]
    assert [r["outcome"] for r in rows][2:] == ["received", "address_updated", "rejected"]
    assert rows[0]["outcome"] == "received" and rows[1]["outcome"].startswith("refused:")
    assert rows[0]["time"].startswith("2026-11-25T10:00:00+01:00")
    code, jsonl, _ = await export(env, *period, "--format", "jsonl")
    assert [json.loads(line) for line in jsonl.splitlines()] == rows

    await team.bot.http.close()
    await team.bot.server.close()
    clock.advance(days=31)
    team = Team(await start_bot(settings))
    await team.drain()
    assert (await team.case(case.id)).purged_at is not None
    code, after, _ = await export(env, *period, "--format", "csv")
    assert after == before  # the purge takes nothing the audit needs
    for output in (before, jsonl, after):
        assert "P12345" not in output and EPISODE_ID not in output and "markering" not in output

    code, december, _ = await export(env, "--from", "2026-12-01", "--to", "2026-12-31")
    assert (code, december.splitlines()) == (0, [",".join(FIELDS)])


async def test_a_reversed_period_is_refused_with_a_message(store):
    _, env = store
    code, out, err = await export(env, "--from", "2026-12-31", "--to", "2026-01-01")
    assert code == 2 and out == "" and "--to is before --from" in err
