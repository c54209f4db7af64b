"""An intake left half-way holds a Patient ID: when it expires it is deleted from the store, its
summary card is rewritten, and the user hears about it on return — also if they never write
again before the deadline (nothing waits for their next message). On both stores."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from tests.privacy.conftest import EPISODE_ID, PATIENT_ID, TeamsChat, leaks, store_files
from tests.routing.conftest import Team
from tests.support.activities import ANNA


async def redis_values(url: str, prefix: str) -> dict[str, bytes]:
    raw = Redis.from_url(url)
    try:
        return {key.decode(): await raw.dump(key) or b"" async for key in raw.scan_iter(match=f"{prefix}:*")}
    finally:
        await raw.aclose()


@pytest.fixture(params=["sqlite", "redis"])
async def stored(request: pytest.FixtureRequest, settings_for):
    """(settings, a function returning what the store holds, by file or key)."""
    if request.param == "sqlite":
        settings = settings_for(intake_expiry_minutes=60, outbox_poll_seconds=0)

        async def files() -> dict[str, bytes]:
            return store_files(settings.data_dir)

        yield settings, files
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"sidexpiry-{uuid4().hex[:10]}"
    settings = settings_for(
        intake_expiry_minutes=60, outbox_poll_seconds=0, redis_url=url, redis_key_prefix=prefix
    )

    async def values() -> dict[str, bytes]:
        return await redis_values(url, prefix)

    yield settings, values
    client = Redis.from_url(url)
    doomed = [key async for key in client.scan_iter(match=f"{prefix}:*")]
    if doomed:
        await client.delete(*doomed)
    await client.aclose()


async def test_an_abandoned_intake_is_deleted_when_it_expires_and_its_card_rewritten(
    start_bot, stored, clock
):
    settings, contents = stored
    team = Team(await start_bot(settings))
    chat = TeamsChat(team, ANNA)
    replies = []
    for answer in ["hej", "ny anmälan", "Region Västernorrland", "ja", "ja", PATIENT_ID, EPISODE_ID, "ja"]:
        replies = await chat.send(answer)
    summary = next(r for r in replies if r.get("attachments"))
    assert PATIENT_ID in json.dumps(summary)
    assert leaks(await contents()), "the draft is kept while the intake is alive"

    clock.advance(minutes=59)
    await team.drain()
    assert leaks(await contents()) and team.connector.updated == []  # not yet

    clock.advance(minutes=2)  # she never came back
    await team.drain()
    assert leaks(await contents()) == []
    (update,) = [u for u in team.connector.updated if u["_replaces"] == summary["id"]]
    shown = json.dumps(update, ensure_ascii=False)
    assert "raderad" in shown and PATIENT_ID not in shown and EPISODE_ID not in shown

    back = await chat.send("hej")
    assert any("raderats" in (r.get("text") or "") for r in back)
    restarted = await chat.send("ny anmälan")
    assert any("Region" in json.dumps(r, ensure_ascii=False) for r in restarted)  # asked from the start


async def test_a_cancelled_intake_leaves_nothing_for_the_expiry_job(start_bot, stored, clock):
    settings, _ = stored
    team = Team(await start_bot(settings))
    await TeamsChat(team, ANNA).send("hej")
    await TeamsChat(team, ANNA).send("ny anmälan")
    await TeamsChat(team, ANNA).send("avbryt")
    clock.advance(minutes=61)
    await team.drain()
    assert team.connector.updated == []
    back = await TeamsChat(team, ANNA).send("hej")
    assert not any("raderats" in (r.get("text") or "") for r in back)


async def test_cancelling_at_the_summary_rewrites_the_card_that_showed_the_ids(start_bot, stored):
    settings, _ = stored
    team = Team(await start_bot(settings))
    chat = TeamsChat(team, ANNA)
    replies = []
    for answer in ["hej", "ny anmälan", "Region Västernorrland", "ja", "ja", PATIENT_ID, EPISODE_ID, "ja"]:
        replies = await chat.send(answer)
    summary = next(r for r in replies if r.get("attachments"))
    cancel = next(a for a in summary["attachments"][0]["content"]["actions"] if a.get("title") == "Avbryt")
    await chat.send(value=cancel["data"], replyToId=summary["id"])
    (update,) = [u for u in team.connector.updated if u["_replaces"] == summary["id"]]
    shown = json.dumps(update, ensure_ascii=False)
    assert "Anmälan avbruten" in shown and PATIENT_ID not in shown and EPISODE_ID not in shown
    state = await team.bot.services.stores.documents.read([f"msteams/conversations/{chat.conversation}"])
    assert state and PATIENT_ID not in json.dumps(state)  # the draft itself is gone from the bot state
