"""adapters/state_codec.py writes and reads exactly what jsonpickle does, for every state an
intake leaves behind; anything it does not know goes to jsonpickle proper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.dialogs import DialogInstance, DialogState
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from adapters import state_codec
from adapters.bot_storage import flatten, restore
from tests.dialogs.test_intake_http import PATHS, card_action_data
from tests.support.activities import last_card


def _jsonpickle(value: Any) -> Any:
    return Pickler().flatten(value, reset=True)


def _unjsonpickle(document: Any) -> Any:
    return Unpickler(safe=True).restore(document, reset=True)


def _same_as_jsonpickle(document: dict[str, Any]) -> None:
    restored = state_codec.restore(document)  # the fast path covers every real state
    assert _jsonpickle(restored) == document
    assert state_codec.flatten(_unjsonpickle(document)) == _jsonpickle(_unjsonpickle(document)) == document
    assert type(restored) is type(_unjsonpickle(document))


@pytest.mark.parametrize(("user", "answers", "kind", "org"), PATHS)
async def test_every_intake_state_round_trips_exactly_like_jsonpickle(bot, user, answers, kind, org):
    chat = bot.chat(user)
    keys = [f"msteams/conversations/a:personal-{user.id}", f"msteams/users/{user.id}"]
    documents = bot.services.stores.documents
    replies: list[dict[str, Any]] = []
    checked = 0
    for answer in ["hej", *answers]:
        replies = await chat.send(answer)
        for document in (await documents.read(keys)).values():
            _same_as_jsonpickle({k: v for k, v in document.items() if k != "e_tag"})
            checked += 1
    await chat.say(value=card_action_data(last_card(replies), "Skicka"))
    for document in (await documents.read(keys)).values():
        _same_as_jsonpickle({k: v for k, v in document.items() if k != "e_tag"})
    assert checked >= 2 * len(answers)


@dataclass
class NotBotbuilder:
    n: int


def _shared() -> dict[str, Any]:
    instance = DialogInstance(id="x", state={})
    return {"dialog_state": DialogState([instance, instance])}


def test_a_shared_reference_is_written_and_read_as_jsonpickle_does() -> None:
    state = _shared()  # jsonpickle writes the second occurrence as {"py/id": n}
    assert state_codec.flatten(state) == _jsonpickle(state)
    stack = state_codec.restore(_jsonpickle(state))["dialog_state"].dialog_stack
    assert stack[0] is stack[1]


@pytest.mark.parametrize(
    "state",
    [
        {"t": (1, 2)},
        {"at": datetime(2026, 11, 30, tzinfo=UTC)},
        {"other": NotBotbuilder(1)},
        {"x": float("nan")},
        {1: "int key"},
    ],
    ids=["tuple", "datetime", "foreign-class", "nan", "int-key"],
)
def test_what_the_codec_does_not_know_goes_through_jsonpickle(state: dict[Any, Any]) -> None:
    with pytest.raises(state_codec.Unsupported):
        state_codec.flatten(state)
    flat = flatten(state)
    assert flat == _jsonpickle(state)
    assert _jsonpickle(restore(flat)) == flat


def test_a_reference_to_something_not_yet_read_goes_to_jsonpickle() -> None:
    with pytest.raises(state_codec.Unsupported):
        state_codec.restore({"a": {"py/id": 7}})


def test_only_botbuilder_classes_are_loaded_by_the_codec() -> None:
    with pytest.raises(state_codec.Unsupported):
        state_codec.restore({"x": {"py/object": "subprocess.Popen"}})
