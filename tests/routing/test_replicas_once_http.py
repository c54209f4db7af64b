"""Two replicas of the production app on one Redis drain the outbox at the same time: every case
card, thread reply and submitter notice reaches Teams once (the send markers), not 1-3 % twice."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from tests.routing.conftest import Team
from tests.support.activities import ANNA, KARIN

CASES = 8


async def test_two_replicas_post_each_notice_and_thread_reply_once(start_bot, team_settings, redis_url):
    settings = team_settings(redis_url=redis_url, redis_key_prefix=f"sidonce-{uuid4().hex[:10]}")
    first, second = Team(await start_bot(settings)), Team(await start_bot(settings))
    assert "central" in await first.link()
    await first.bot.chat(ANNA).say("hej")
    cases = [await first.file(ANNA, chat=False) for _ in range(CASES)]
    await asyncio.gather(first.drain(), second.drain())
    for n, case in enumerate(cases):  # several versions per case: several outbox items per case
        team = (first, second)[n % 2]
        card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
        await team.click(KARIN, card, "case.record_call")
    for _ in range(3):
        await asyncio.gather(first.drain(), second.drain())

    arrived = first.connector.per_target()
    assert [target for target, count in arrived.items() if count > 1] == []
    for case in cases:
        fresh = await first.case(case.id)
        assert len(first.thread_texts(fresh)) == 3  # the card and one reply per action
    taken = [t for t in first.submitter_messages(ANNA) if "Karin" in t]
    assert len(taken) == CASES
