"""Conversation and user state pooled per turn (adapters/bot_state.py), on every store: one read
for both, one write for the changed ones, nothing written when nothing changed, eTags kept."""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import MessageFactory, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet, DialogTurnStatus, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from adapters.bot_state import TurnStates
from domain.ports import DocumentStore, Stores, VersionConflict
from tests.contract.conftest import OpenStores


class CountingDocuments:
    """The real DocumentStore, with its calls counted (the round trips under test)."""

    def __init__(self, inner: DocumentStore) -> None:
        self.inner = inner
        self.reads: list[list[str]] = []
        self.writes: list[list[str]] = []

    async def read(self, keys: Any) -> dict[str, dict[str, Any]]:
        self.reads.append(list(keys))
        return await self.inner.read(keys)

    async def write(self, changes: Any) -> None:
        self.writes.append(list(changes))
        await self.inner.write(changes)

    async def delete(self, keys: Any) -> None:
        await self.inner.delete(keys)


def _context() -> TurnContext:
    activity = Activity(
        type="message",
        channel_id="msteams",
        conversation=ConversationAccount(id="conv-1"),
        from_property=ChannelAccount(id="29:user"),
        recipient=ChannelAccount(id="28:bot"),
    )
    return TurnContext(TestAdapter(), activity)


async def _turn(states: TurnStates, **values: Any) -> dict[str, Any]:
    """One turn: read both properties, set the given ones, save; returns what was read."""
    context = _context()
    seen = {
        "draft": await states.conversation.create_property("draft").get(context),
        "profile": await states.user.create_property("profile").get(context),
    }
    for name, value in values.items():
        state = states.user if name == "profile" else states.conversation
        await state.create_property(name).set(context, value)
    await states.save(context)
    return seen


async def test_both_states_are_read_in_one_call_and_only_changed_ones_written(stores: Stores) -> None:
    documents = CountingDocuments(stores.documents)
    states = TurnStates(documents)
    await _turn(states, draft={"step": 1}, profile={"org": "Timrå"})
    assert len(documents.reads) == 1 and len(documents.reads[0]) == 2
    assert len(documents.writes) == 1 and len(documents.writes[0]) == 2

    documents.reads.clear()
    documents.writes.clear()
    assert await _turn(states, draft={"step": 2}) == {"draft": {"step": 1}, "profile": {"org": "Timrå"}}
    assert len(documents.reads) == 1
    assert documents.writes == [["msteams/conversations/conv-1"]]  # the profile did not change

    documents.reads.clear()
    documents.writes.clear()
    assert await _turn(states) == {"draft": {"step": 2}, "profile": {"org": "Timrå"}}
    assert documents.writes == []  # nothing changed: no write at all


async def test_a_stale_pooled_write_fails_and_keeps_the_winner(open_stores: OpenStores) -> None:
    first, second = TurnStates((await open_stores()).documents), TurnStates((await open_stores()).documents)
    await _turn(first, draft={"n": 0})
    context_a, context_b = _context(), _context()
    for states, context, n in ((first, context_a, 1), (second, context_b, 2)):
        await states.conversation.create_property("draft").get(context)
        await states.conversation.create_property("draft").set(context, {"n": n})
    await first.save(context_a)
    with pytest.raises(VersionConflict):
        await second.save(context_b)
    assert (await _turn(second))["draft"] == {"n": 1}


async def test_a_dialog_stack_round_trips_and_an_unchanged_one_is_not_rewritten(stores: Stores) -> None:
    documents = CountingDocuments(stores.documents)
    states = TurnStates(documents)
    dialogs = DialogSet(states.conversation.create_property("dialog_state"))
    dialogs.add(TextPrompt("text"))

    async def ask(step: WaterfallStepContext) -> Any:
        return await step.prompt("text", PromptOptions(prompt=MessageFactory.text("Patient ID?")))

    async def answer(step: WaterfallStepContext) -> Any:
        await step.context.send_activity(f"fick {step.result}")
        return await step.end_dialog()

    dialogs.add(WaterfallDialog("ask", [ask, answer]))

    async def logic(context: TurnContext) -> None:
        dialog = await dialogs.create_context(context)
        if context.activity.text != "titta":  # "titta" only looks at the state
            result = await dialog.continue_dialog()
            if result.status == DialogTurnStatus.Empty:
                await dialog.begin_dialog("ask")
        await states.save(context)

    adapter = TestAdapter(logic)
    flow = await (await adapter.send("hej")).assert_reply("Patient ID?")
    writes = len(documents.writes)
    flow = await flow.send("titta")
    assert len(documents.writes) == writes  # the prompt's state, read and unchanged
    await (await flow.send("P123")).assert_reply("fick P123")


async def test_a_value_changed_in_place_is_written(stores: Stores) -> None:
    documents = CountingDocuments(stores.documents)
    states = TurnStates(documents)
    await _turn(states, profile={"orgs": ["Timrå"]})
    context = _context()
    profile = await states.user.create_property("profile").get(context)
    profile["orgs"].append("Ånge")  # no set(): botbuilder saves what the accessor handed out
    await states.save(context)
    assert (await _turn(states))["profile"] == {"orgs": ["Timrå", "Ånge"]}


async def test_state_without_a_key_fails_as_botbuilder_does_and_the_other_still_loads(stores: Stores) -> None:
    states = TurnStates(stores.documents)
    context = _context()
    context.activity.from_property.id = ""  # no sender id: UserState has no key
    assert await states.conversation.create_property("draft").get(context) is None
    with pytest.raises(TypeError):
        await states.user.create_property("profile").get(context)
