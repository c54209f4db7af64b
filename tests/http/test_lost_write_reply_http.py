"""A store write whose reply is lost: the user hears the truth, and a retry finishes the job.

Redis runs behind a proxy that lets the create-case script through but drops its reply (and the
replies of redis-py's own retries), so the case IS stored while the bot cannot know it. The case,
its audit entry, the outbox item that posts it and its reminder are one write, so none of them
can be missing; the user is told the outcome is unknown and that repeating is safe; pressing
Skicka again finds the case and answers with its number.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters import redis_common as lua
from domain.case import Action
from tests.dialogs.test_intake_http import answer_until_summary, card_action_data
from tests.routing.conftest import ADMIN_IDS, Team, find_action
from tests.support.activities import ANNA, KARIN
from tests.support.redis_server import RedisServer
from tests.support.reply_dropping_proxy import ReplyDroppingProxy

CREATE_MARKER = b"@@number-"  # the placeholder only the create-case script carries


@pytest.fixture
async def proxied_redis(redis_servers) -> AsyncIterator[tuple[RedisServer, ReplyDroppingProxy]]:
    server: RedisServer = redis_servers()
    server.start()
    proxy = await ReplyDroppingProxy(server.port).start()
    yield server, proxy
    await proxy.close()


async def test_skicka_whose_reply_is_lost_is_recoverable(start_bot, settings_for, proxied_redis):
    server, proxy = proxied_redis
    # As on a Redis that has served the bot before: the script is cached, so EVALSHA runs it
    # (a dropped NOSCRIPT reply would make this test about script loading instead).
    direct = Redis.from_url(server.url)
    await direct.script_load(lua.CREATE_CASE)
    await direct.aclose()
    bot = await start_bot(settings_for(redis_url=proxy.url, redis_key_prefix=f"lost-{uuid4().hex[:8]}"))
    stores = bot.services.stores
    chat = bot.chat(ANNA)
    card = await answer_until_summary(chat, ["ny anmälan", "Region Västernorrland", "nej", "P12345", "ja"])
    submit = card_action_data(card, "Skicka")

    proxy.drop_replies_to(CREATE_MARKER)
    first = await chat.say(value=submit)
    proxy.drop_replies_to(None)
    assert proxy.dropped >= 1
    assert "kan inte bekräfta" in first and "Inget har sparats" not in first

    # It was stored, and with everything that must follow it: nothing is stuck.
    (case,) = await stores.cases.list()
    assert [e.what for e in await stores.audit.entries(case.id)] == ["filed"]
    items = await stores.due.claim_due(bot.clock() + _far(), 50, _far())
    kinds = sorted(item.payload["kind"] for item in items)
    assert f"case_filed:{case.id}" in {item.item_id for item in items}
    assert kinds.count("case_filed") == 1 and "reminder" in kinds

    again = await chat.say(value=submit)
    assert case.number in again and "redan skickad" in again
    assert len(await stores.cases.list()) == 1
    assert [e.what for e in await stores.audit.entries(case.id)] == ["filed"]


def _far() -> timedelta:
    return timedelta(days=400)


async def test_a_card_click_whose_reply_is_lost_is_recoverable(start_bot, settings_for, proxied_redis):
    _, proxy = proxied_redis
    settings = settings_for(
        admin_ids=ADMIN_IDS,
        outbox_poll_seconds=0,
        redis_url=proxy.url,
        redis_key_prefix=f"lost-{uuid4().hex[:8]}",
    )
    team = Team(await start_bot(settings))
    assert "central" in await team.link()
    case = await team.file(ANNA)
    await team.drain()
    card = await team.click(
        KARIN, await team.view(KARIN, await team.case(case.id)), "case.take"
    )  # loads the script

    proxy.drop_replies_to(b"case_changed")  # only an action's write carries an outbox item
    data = find_action(card, "case.record_call")["data"]
    status, body = await team.invoke(KARIN, "case.record_call", data)
    proxy.drop_replies_to(None)
    assert proxy.dropped >= 1
    assert status == 200 and "kan inte bekräfta" in str(body)

    stored = await team.case(case.id)  # it landed, with its audit entry
    assert [e.action for e in stored.events] == [Action.TAKE, Action.RECORD_CALL]
    audit = [e.what for e in await team.bot.services.stores.audit.entries(case.id)]
    assert audit.count("record_call") == 1

    again = await team.click(KARIN, card, "case.record_call")  # the same card, clicked again
    assert "Kortet var inaktuellt" not in str(again) and "har ringt" in str(again)
    assert [e.action for e in (await team.case(case.id)).events] == [Action.TAKE, Action.RECORD_CALL]
    await team.drain()
    assert team.thread_texts(stored).count("**Karin Holm** har ringt anmälaren.") == 1
