"""The outbox handlers run again after a lease, a crash or a failed send: nothing is posted twice,
nothing is lost, and one unreachable person does not hold a case up."""

from __future__ import annotations

import asyncio

from adapters.store_keys import SendKeys
from domain.case import Case
from tests.routing.conftest import CENTRAL, Team
from tests.support.activities import ANNA, KARIN


async def take_and_call(team: Team, case: Case) -> Case:
    """Karin takes the case and records the call; the outbox has announced both."""
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    await team.click(KARIN, card, "case.record_call")
    await team.drain()
    return await team.case(case.id)


async def test_a_repeated_outbox_item_posts_nothing_twice(team: Team):
    case = await take_and_call(team, await _posted(team))
    sent, created = len(team.connector.sent), len(team.connector.created)
    due = team.bot.services.stores.due
    now = team.bot.clock()
    await due.schedule(f"case_filed:{case.id}", now, {"kind": "case_filed", "case_id": case.id})
    await due.schedule(
        f"case_changed:{case.id}:1", now, {"kind": "case_changed", "case_id": case.id, "version": 1}
    )
    assert await team.drain() == 2
    assert (len(team.connector.sent), len(team.connector.created)) == (sent, created)


async def test_a_crash_before_the_cursor_was_saved_repeats_no_reply(team: Team):
    case = await take_and_call(team, await _posted(team))
    replies = team.thread_texts(case)
    await team.bot.services.stores.documents.delete([f"routing:case:{case.id}"])  # the cursor is lost
    due = team.bot.services.stores.due
    await due.schedule("case_changed:again", team.bot.clock(), {"kind": "case_changed", "case_id": case.id})
    await team.drain()
    assert team.thread_texts(case) == replies  # the sender's idempotency keys held


async def test_a_failure_after_some_sends_repeats_none_of_them(team: Team):
    case = await _posted(team)
    card = await team.click(KARIN, await team.view(KARIN, case), "case.take")
    await team.click(KARIN, card, "case.record_call")
    team.connector.fail_next = [None, None, 503]  # the take's thread line and notice go out, then 503
    await team.drain()
    team.bot.clock.advance(minutes=3)
    await team.drain()
    lines = [text for text in team.thread_texts(case) if text]  # not the card at its root
    assert len(lines) == 2 and len(set(lines)) == 2  # the take's line and the call's, once each
    assert len(team.submitter_messages(ANNA)) == 2  # received, then taken: once each
    cursor = f"routing:case:{case.id}"
    stored = (await team.bot.services.stores.documents.read([cursor]))[cursor]
    assert stored["announced"] == len((await team.case(case.id)).events)


async def test_while_the_card_update_is_in_flight_the_sends_before_it_are_recorded(team: Team):
    """The take's thread line and the submitter's notice went out, then the card update: a
    replica killed now (kill -9: nothing of the item settled) must find both recorded, else the
    replica that runs the item after the lease repeats them once their claims expire. Checked
    at that moment rather than by killing, which no code of ours would see."""
    case = await _posted(team)
    await team.click(KARIN, await team.view(KARIN, case), "case.take")
    take = len((await team.case(case.id)).events) - 1
    team.connector.hold(only="update")
    draining = asyncio.create_task(team.drain())
    async with asyncio.timeout(10):
        while team.connector.held == 0:
            await asyncio.sleep(0.01)
    markers = team.bot.services.stores.markers
    for key in (SendKeys.thread_reply(case.id, take), SendKeys.submitter(case.id, take)):
        found = await markers.lookup(key)
        assert found is not None and found[0] == "done", key
    team.connector.release()
    await draining
    assert len(team.submitter_messages(ANNA)) == 2  # received, then taken: once each
    assert len([text for text in team.thread_texts(case) if text]) == 1  # the take's line


async def test_a_transient_failure_retries_the_item_after_a_backoff(team: Team):
    case = await team.file(ANNA)
    team.connector.fail_next.append(500)  # creating the thread fails once
    assert await team.drain() == 0
    assert team.connector.created == []
    team.bot.clock.advance(minutes=3)
    assert await team.drain() == 1
    assert (await team.case(case.id)).thread_conversation_id.startswith(CENTRAL)
    assert len(team.connector.created) == 1


async def test_a_submitter_the_bot_cannot_reach_does_not_hold_the_case_up(team: Team, caplog):
    case = await team.file(ANNA, chat=False)  # Anna never spoke to the bot: no 1:1 reference
    assert await team.drain() == 1
    assert (await team.case(case.id)).thread_conversation_id
    assert team.submitter_messages(ANNA) == []
    (note,) = [a.get("text") or "" for a in team.connector.to_conversation(CENTRAL)]
    assert "Leveransproblem" in note and case.number in note and ANNA.name in note
    assert case.patient_id not in note
    assert "leveransproblem" in caplog.text


async def _posted(team: Team) -> Case:
    case = await team.file(ANNA)
    await team.drain()
    return await team.case(case.id)
