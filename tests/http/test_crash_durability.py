"""What the bot has acknowledged survives `kill -9`: a real `bot.py` process, killed without any
shutdown the moment its last answer arrived, then started again on the same store.

Twenty users at once make the embedded store group their writes into shared commits; each user
stops at a different point of a type A intake (four of them after filing). After the restart
every filed case is there, and every unfinished intake goes on from the question it was at.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from uuid import uuid4

import aiohttp
import pytest

from adapters.sqlite_store import SqliteStores
from tests.reminders.test_replicas_processes import KEPT_ENV, Replica
from tests.support.activities import Chat, User, reply_text

ANSWERS = ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"]
# The question that follows each answer above (messages/sv.py); the first is not checked.
NEXT_QUESTION = ["", "pågående vårdtillfälle", "Patient ID", "skyddad identitet", "Skicka"]
USERS = [User(f"29:crash-{n}", f"Crash {n}", f"aad-crash-{n}") for n in range(20)]


async def _walk(chat: Chat, steps: int) -> str:
    """Answer `steps` intake questions; with all five answered, also click Skicka."""
    await chat.say("hej")
    replies: list[dict] = []
    for answer in ANSWERS[:steps]:
        replies = await chat.send(answer)
    if steps < len(ANSWERS):
        return ""
    submit = next(
        action["data"]
        for reply in replies
        for attachment in reply.get("attachments") or []
        for action in attachment["content"].get("actions", [])
        if action.get("title") == "Skicka"
    )
    done = await chat.say(value=submit)
    assert "SID-" in done, done
    return done


@pytest.mark.parametrize("store", ["sqlite", "redis"])
async def test_acknowledged_turns_survive_kill_9(store, tmp_path: Path, request, connector):
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV}
    env |= {"DATA_DIR": str(tmp_path / "data"), "OUTBOX_POLL_SECONDS": "0"}
    if store == "redis":
        env |= {
            "REDIS_URL": request.getfixturevalue("redis_url"),
            "REDIS_KEY_PREFIX": f"crash-{uuid4().hex[:8]}",
        }
    steps = {user.id: n % len(NEXT_QUESTION) + 1 for n, user in enumerate(USERS)}  # 1..5 answers
    async with aiohttp.ClientSession() as http:
        bot = Replica("before", tmp_path, env)
        try:
            await bot.healthy(http, time.monotonic() + 60)
            endpoint = f"http://127.0.0.1:{bot.port}/api/messages"
            chats = [Chat(http, endpoint, user, connector.url) for user in USERS]
            filed = await asyncio.gather(*(_walk(chat, steps[chat.user.id]) for chat in chats))
            bot.kill9()  # every answer above is in: those writes were acknowledged
        finally:
            bot.stop()
        numbers = sorted(word.strip("*.,") for text in filed for word in text.split() if "SID-" in word)
        assert len(numbers) == sum(1 for n in steps.values() if n == len(ANSWERS))

        if store == "sqlite":  # the file itself, read by a fresh connection
            stores = await SqliteStores.open(tmp_path / "data")
            try:
                assert sorted(case.number for case in await stores.cases.list()) == numbers
            finally:
                await stores.close()

        again = Replica("after", tmp_path, env)
        try:
            await again.healthy(http, time.monotonic() + 60)
            endpoint = f"http://127.0.0.1:{again.port}/api/messages"
            for user in USERS:
                chat = Chat(http, endpoint, user, connector.url)
                answered = steps[user.id]
                if answered == len(ANSWERS):
                    mine = reply_text(await chat.send("mina ärenden"))
                    assert any(number in mine for number in numbers), mine
                    continue
                # The next answer is taken where the intake stood when the bot died.
                reply = await chat.say(ANSWERS[answered])
                assert NEXT_QUESTION[answered] in reply, (answered, reply)
        finally:
            again.stop()
