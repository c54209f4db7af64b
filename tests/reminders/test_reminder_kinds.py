"""Each reminder kind fires once at its business-time threshold, reaches the right people, and
stops the moment an action moves the case (its old due item is dropped when it fires)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from domain.case import Action
from domain.reminder_schedule import ScheduledReminder, is_current, plan_reminder
from domain.reminders import ReminderKind
from tests.reminders.conftest import CENTRAL, SUNDSVALL, Reminders, dm, is_reminder
from tests.routing.conftest import PostedCase
from tests.support.activities import ANNA, KARIN, LARS, MARIA

FAR_FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


async def _unassigned(r: Reminders) -> PostedCase:
    return await r.post_thread(await r.file())


async def _taken(r: Reminders) -> PostedCase:
    case = await r.post_thread(await r.file())
    return await r.act(case.id, Action.TAKE)


async def _sent_to_vendor(r: Reminders) -> PostedCase:
    case = await r.post_thread(await r.file(episode="VT-2026-1"))  # type B: no phone call
    for action, detail in (
        (Action.TAKE, ""),
        (Action.RECORD_ADDRESS_UPDATE, ""),
        (Action.CONFIRM_PROTECTED, ""),
        (Action.RECORD_PROCESS_CLOSED, ""),
        (Action.RECORD_SENT_TO_VENDOR, "INC0012345"),
    ):
        case = await r.act(case.id, action, detail=detail)
    return case


async def _in_municipal_channel(r: Reminders) -> PostedCase:
    case = await r.post_thread(await r.file(MARIA, municipality="Sundsvall"))
    assert case.thread_conversation_id.startswith(SUNDSVALL)  # routing posted it there first
    return case


@dataclass(frozen=True)
class Scenario:
    setup: Callable[[Reminders], Awaitable[PostedCase]]
    progress: Action
    recipients: Callable[[PostedCase], set[str]]  # conversations that get the reminder
    marker: str  # a phrase only this kind's texts carry


SCENARIOS = {
    ReminderKind.UNASSIGNED: Scenario(
        _unassigned, Action.TAKE, lambda c: {c.thread_conversation_id}, "ingen handläggare"
    ),
    ReminderKind.STEP_IDLE: Scenario(
        _taken, Action.RECORD_CALL, lambda c: {c.thread_conversation_id, dm(KARIN)}, "nästa steg"
    ),
    ReminderKind.VENDOR_WAIT: Scenario(
        _sent_to_vendor,
        Action.RECORD_VENDOR_CONFIRMED,
        lambda c: {c.thread_conversation_id, dm(KARIN)},
        "leverantören",
    ),
    ReminderKind.AWAITING_FORWARD: Scenario(
        _in_municipal_channel, Action.FORWARD, lambda c: {c.thread_conversation_id}, "inte skickats vidare"
    ),
}


def _new_messages(r: Reminders, before: int) -> dict[str, list[str]]:
    by_conversation: dict[str, list[str]] = {}
    for activity in r.connector.sent[before:]:
        if not is_reminder(activity):
            continue  # routing's own thread replies and notices
        by_conversation.setdefault(activity["_conversation"], []).append(activity.get("text") or "")
    return by_conversation


def _marked(r: Reminders, marker: str) -> int:
    return sum(marker in (a.get("text") or "") for a in r.reminders_sent())


@pytest.mark.parametrize("kind", list(SCENARIOS), ids=lambda k: k.value)
async def test_each_kind_fires_once_then_stops_when_the_case_moves(reminders: Reminders, kind: ReminderKind):
    r, scenario = reminders, SCENARIOS[kind]
    case = await scenario.setup(r)
    calendar, policy = r.planner.calendar, r.planner.policy
    first = plan_reminder(case, calendar, policy)
    assert first is not None and first.kind is kind and not first.escalate

    r.clock.now = first.due_at - timedelta(minutes=1)
    await r.drain()
    sent_before = len(r.connector.sent)
    r.clock.now = first.due_at
    await r.drain()
    await r.drain()  # a second round at the same moment sends nothing more
    fired = _new_messages(r, sent_before)
    assert set(fired) == scenario.recipients(case)
    assert all(len(texts) == 1 for texts in fired.values())
    for texts in fired.values():
        assert case.number in texts[0] and scenario.marker in texts[0]
        assert case.patient_id not in texts[0]

    # Two business hours later someone acts; the series' next reminder must never come.
    r.clock.now = calendar.add_business_hours(first.due_at, 2)
    await r.act(case.id, scenario.progress, by=KARIN)
    second = plan_reminder(case, calendar, policy, after_sequence=1)
    assert second is not None
    r.clock.now = second.due_at
    await r.drain()
    assert _marked(r, scenario.marker) == len(scenario.recipients(case))

    # The dropped items are gone: all that is left in the index belongs to the case's new state.
    moved = await r.stores.cases.get(case.id)
    assert moved is not None
    left = await r.stores.due.claim_due(FAR_FUTURE, 1000, timedelta(minutes=1))
    reminders_left = [  # an ended case also has its retention purge in the index
        ScheduledReminder.from_payload(item.payload, item.due_at)
        for item in left
        if item.payload["kind"] == "reminder"
    ]
    if not moved.is_open:  # the vendor's confirmation closed the case: nothing more to remind
        assert reminders_left == []
        return
    assert reminders_left and all(is_current(moved, reminder) for reminder in reminders_left)


async def test_posting_the_card_after_filing_keeps_the_series(reminders: Reminders):
    """Routing records where the card went (its own record, not a case write): sequence 1 is
    sent once, and sequence 2 follows a business day later."""
    r = reminders
    case = await r.file()
    first = plan_reminder(case, r.planner.calendar, r.planner.policy)
    assert first is not None
    case = await r.post_thread(case)
    r.clock.now = first.due_at
    await r.drain()
    second = plan_reminder(case, r.planner.calendar, r.planner.policy, after_sequence=1)
    assert second is not None
    r.clock.now = second.due_at
    await r.drain()
    assert _marked(r, "ingen handläggare") == 2
    assert r.reminders_sent()[-1]["_conversation"] == case.thread_conversation_id


async def test_a_case_without_a_thread_is_announced_in_the_central_channel(reminders: Reminders):
    r = reminders
    case = await r.file()
    r.connector.fail_next = [403]  # the card cannot be posted as a thread (a leveransproblem)
    await r.drain()
    assert not (await r.case(case.id)).thread_conversation_id
    first = plan_reminder(case, r.planner.calendar, r.planner.policy)
    assert first is not None
    r.clock.now = first.due_at
    await r.drain()
    assert r.texts(CENTRAL) == [r.texts(CENTRAL)[0]] and case.number in r.texts(CENTRAL)[0]


async def test_the_second_reminder_mentions_the_admin_leads(reminders: Reminders):
    r = reminders
    case = await r.post_thread(await r.file())
    for sequence in (0, 1):
        planned = plan_reminder(case, r.planner.calendar, r.planner.policy, after_sequence=sequence)
        assert planned is not None
        r.clock.now = planned.due_at
        await r.drain()
    first, second = [a for a in r.connector.to_conversation(case.thread_conversation_id) if is_reminder(a)]
    assert not first.get("entities")
    assert f"<at>{LARS.name}</at>" in second["text"] and "2 gånger" in second["text"]
    mentions = [e for e in second["entities"] if e["type"] == "mention"]
    assert [m["mentioned"]["id"] for m in mentions] == [LARS.id]


async def test_escalation_of_a_municipal_case_goes_to_the_central_channel(reminders: Reminders):
    """The leads are not members of a municipality's channel: they are @mentioned centrally."""
    r = reminders
    case = await _in_municipal_channel(r)
    for sequence in (0, 1):
        planned = plan_reminder(case, r.planner.calendar, r.planner.policy, after_sequence=sequence)
        assert planned is not None
        r.clock.now = planned.due_at
        await r.drain()
    assert len(r.texts(case.thread_conversation_id)) == 2
    assert all("<at>" not in t for t in r.texts(case.thread_conversation_id))
    (escalation,) = r.texts(CENTRAL)
    assert case.number in escalation and f"<at>{LARS.name}</at>" in escalation


async def test_a_closed_case_sends_nothing(reminders: Reminders):
    r = reminders
    case = await r.post_thread(await r.file())
    first = plan_reminder(case, r.planner.calendar, r.planner.policy)
    assert first is not None
    await r.act(case.id, Action.WITHDRAW, by=ANNA)  # the submitter withdraws
    r.clock.now = first.due_at + timedelta(days=30)
    await r.drain()
    assert r.reminders_sent() == []
    left = await r.stores.due.claim_due(FAR_FUTURE, 10, timedelta(minutes=1))
    assert [item.item_id for item in left if not item.item_id.startswith("digest:")] == []
