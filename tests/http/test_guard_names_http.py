"""Names holding an identity number, over real HTTP on both stores: masked, never kept.

A display name, a group chat's name and a mention each carry a synthetic number written in a
separator family the guard learned late. The person can still file a case; the number never
reaches the SQLite file, the Redis store, a log record or what the bot sends to Teams.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from tests.routing.conftest import ADMIN_IDS, CENTRAL, CENTRAL_TEAM, Team, TeamConnector, channel_activity
from tests.support.activities import BOT, TENANT, User, last_card, personal_activity, reply_text
from tests.support.numbers import personnummer

TEN = personnummer("470815", "238", separator="")  # synthetic, valid check digit
FORMS = {
    "name": f"{TEN[:2]}-{TEN[2:4]}-{TEN[4:6]}-{TEN[6:]}",  # 47-08-15-NNNC
    "chat": f"{TEN[:4]} {TEN[4:6]} {TEN[6:]}",  # 4708 15 NNNC
    "mention": f"{TEN[:6]}/{TEN[6:]}",  # 470815/NNNC
}
ANNA_N = User("29:anna-n", f"Anna {FORMS['name']}", "aad-anna-n")
ERIK_N = f"Erik {FORMS['mention']}"


@pytest.fixture
async def connector():
    fake = await TeamConnector().start()
    yield fake
    await fake.close()


@pytest.fixture(params=["sqlite", "redis"])
async def team(request: pytest.FixtureRequest, start_bot, settings_for):
    settings: dict[str, Any] = {"admin_ids": ADMIN_IDS, "outbox_poll_seconds": 0}
    prefix = f"guardtest-{uuid4().hex[:12]}"
    if request.param == "redis":
        settings |= {"redis_url": request.getfixturevalue("redis_url"), "redis_key_prefix": prefix}
    central = Team(await start_bot(settings_for(**settings)))
    assert "central" in await central.link()
    central.prefix = prefix  # type: ignore[attr-defined]
    yield central
    if request.param == "redis":
        client = Redis.from_url(settings["redis_url"], decode_responses=True)
        try:
            doomed = [key async for key in client.scan_iter(match=f"{prefix}:*", count=500)]
            if doomed:
                await client.delete(*doomed)
        finally:
            await client.aclose()


async def stored_text(team: Team) -> str:
    """Everything the store holds: the SQLite files' bytes, or every Redis value under the prefix."""
    settings = team.bot.settings
    if not settings.redis_url:
        files = [p for p in settings.data_dir.rglob("*") if p.is_file()]
        assert files, "the SQLite store wrote nothing"
        return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in files)
    client = Redis.from_url(settings.redis_url, decode_responses=True)
    parts: list[str] = []
    try:
        async for key in client.scan_iter(match=f"{team.prefix}:*", count=500):  # type: ignore[attr-defined]
            kind = await client.type(key)
            if kind == "string":
                parts.append(str(await client.get(key)))
            elif kind == "hash":
                parts.append(json.dumps(await client.hgetall(key), ensure_ascii=False))
            elif kind == "set":
                parts.append(" ".join(map(str, await client.smembers(key))))
            elif kind == "zset":
                parts.append(" ".join(map(str, await client.zrange(key, 0, -1))))
            elif kind == "list":
                parts.append(" ".join(map(str, await client.lrange(key, 0, -1))))
            parts.append(key)
    finally:
        await client.aclose()
    assert parts, "the Redis store holds nothing under the prefix"
    return "\n".join(parts)


def assert_kept_nowhere(form: str, stored: str, records: list[logging.LogRecord], sent: list[Any]) -> None:
    assert form not in stored and TEN not in stored
    for record in records:
        line = record.getMessage() + str(record.args) + str(record.exc_text or "")
        assert form not in line and TEN not in line, record.getMessage()
    outbound = json.dumps(sent, ensure_ascii=False)
    assert form not in outbound and TEN not in outbound


async def test_a_display_name_with_a_number_files_a_case_and_is_masked_everywhere(team, caplog):
    caplog.set_level(logging.DEBUG)
    chat = team.bot.chat(ANNA_N)
    greeting = await chat.say("hej")
    assert "personnummer eller samordningsnummer" not in greeting  # not refused
    for answer in ["ny anmälan", "Region Västernorrland", "nej", "P12345"]:
        await chat.send(answer)
    summary = last_card(await chat.send("ja"))
    submit = next(a for a in summary["actions"] if a.get("title") == "Skicka")
    assert "SID-2026-0001" in await chat.say(value=submit["data"])
    await team.drain()

    (case,) = await team.bot.services.stores.cases.list()
    assert case.submitter.name == "Anna [dold]" and case.submitter.id == ANNA_N.id
    audit = await team.bot.services.stores.audit.entries(case.id)
    assert audit and all(FORMS["name"] not in str(entry) for entry in audit)
    card = json.dumps(
        [*team.connector.created, *team.connector.sent, *team.connector.updated], ensure_ascii=False
    )
    # the card escapes Markdown: "Anna \\[dold\\]" renders as "Anna [dold]"
    assert "<at>Anna [dold]</at>" in card.replace("\\\\", "") and '"name": "Anna [dold]"' in card
    sent = [*team.connector.sent, *team.connector.created, *team.connector.updated, *chat.history]
    assert_kept_nowhere(FORMS["name"], await stored_text(team), caplog.records, sent)
    assert any("masked a number in from" in r.getMessage() for r in caplog.records)


async def test_a_group_chat_named_with_a_number_is_kept_under_its_masked_name(team, caplog):
    caplog.set_level(logging.DEBUG)
    activity = personal_activity(
        ANNA_N,
        team.connector.url,
        type="message",
        deliveryMode="expectReplies",
        text="<at>Skyddad ID</at> hjälp",
    )
    activity["conversation"] = {
        "id": "19:groupchat-vard@thread.v2",
        "conversationType": "groupChat",
        "isGroup": True,
        "tenantId": TENANT,
        "name": f"Vårdplanering {FORMS['chat']}",
    }
    activity["entities"] = [{"type": "mention", "mentioned": BOT, "text": "<at>Skyddad ID</at>"}]
    status, body = await team.post(activity)
    assert status == 200
    assert "personnummer eller samordningsnummer" not in reply_text(body["activities"])
    reference = await team.bot.services.stores.references.get("conversation:19:groupchat-vard@thread.v2")
    assert reference is not None and reference["conversation"]["name"] == "Vårdplanering [dold]"
    assert reference["user"]["name"] == "Anna [dold]"
    assert_kept_nowhere(FORMS["chat"], await stored_text(team), caplog.records, body["activities"])


async def test_a_mention_of_a_name_with_a_number_is_masked_not_refused(team, caplog):
    caplog.set_level(logging.DEBUG)
    erik = f"<at>{ERIK_N}</at>"
    activity = channel_activity(
        ANNA_N,
        team.connector.url,
        f"{CENTRAL};messageid=77",
        CENTRAL,
        CENTRAL_TEAM,
        type="message",
        deliveryMode="expectReplies",
        text=f"<at>{BOT['name']}</at> {erik} hjälp",
        entities=[
            {"type": "mention", "mentioned": BOT, "text": f"<at>{BOT['name']}</at>"},
            {"type": "mention", "mentioned": {"id": "29:erik", "name": ERIK_N}, "text": erik},
        ],
        attachments=[
            {"contentType": "text/html", "content": f"<p><span itemid='1'>{ERIK_N}</span> hjälp</p>"}
        ],
    )
    status, body = await team.post(activity)
    assert status == 200
    assert "personnummer eller samordningsnummer" not in reply_text(body["activities"])
    assert_kept_nowhere(FORMS["mention"], await stored_text(team), caplog.records, body["activities"])


async def test_the_same_number_typed_in_a_group_chat_is_still_refused(team):
    activity = personal_activity(
        ANNA_N,
        team.connector.url,
        type="message",
        deliveryMode="expectReplies",
        text=f"<at>Skyddad ID</at> pnr {FORMS['chat']}",
    )
    activity["conversation"] = {"id": "19:gc2@thread.v2", "conversationType": "groupChat", "tenantId": TENANT}
    status, body = await team.post(activity)
    assert status == 200 and "personnummer" in reply_text(body["activities"]).lower()
    assert FORMS["chat"] not in await stored_text(team)


async def test_members_added_with_a_number_in_their_name_are_masked(team, caplog):
    caplog.set_level(logging.DEBUG)
    activity = channel_activity(
        ANNA_N,
        team.connector.url,
        CENTRAL,
        CENTRAL,
        CENTRAL_TEAM,
        type="conversationUpdate",
        membersAdded=[
            {"id": BOT["id"], "name": BOT["name"]},
            {"id": "29:erik", "name": ERIK_N, "aadObjectId": "aad-erik", "userPrincipalName": "erik@vnl.se"},
        ],
    )
    activity["channelData"] |= {"eventType": "teamMemberAdded", "team": {"id": CENTRAL_TEAM, "name": ERIK_N}}
    status, _ = await team.post(activity)
    assert status in (200, 201)
    assert_kept_nowhere(FORMS["mention"], await stored_text(team), caplog.records, team.connector.sent)
    assert any("masked a number in" in r.getMessage() and "members" in r.getMessage() for r in caplog.records)
