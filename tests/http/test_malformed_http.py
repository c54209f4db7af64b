"""Malformed activities over real HTTP: a 4xx with one short log line, never a 500 or a traceback.

The named cases are the ones a fuzz run once turned into 500s; the generated corpus mutates
valid Teams activities field by field (a fixed seed, so a failure reproduces).
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.activities import ANNA, personal_activity

CASES: dict[str, Any] = {
    "list body": [],
    "number body": 123,
    "null body": None,
    "string body": "hej",
    "from is a number": {"from": 5},
    "attachments is a string": {"attachments": "str"},
    "reactionsAdded is a string": {"type": "messageReaction", "reactionsAdded": "x"},
    "membersAdded holds null and a number": {"type": "conversationUpdate", "membersAdded": [None, 5]},
    "invoke value null": {"type": "invoke", "name": "adaptiveCard/action", "value": None},
    "Action.Submit as an invoke": {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {"action": {"type": "Action.Submit", "data": {}}},
    },
    "unknown invoke": {"type": "invoke", "name": "composeExtension/query", "value": {}},
    "conversation missing": {"conversation": None},
    "type is a number": {"type": 7},
    "timestamp is not a date": {"timestamp": "yesterday"},
    "channelData.tenant is a string": {"channelData": {"tenant": "x"}},
}


def _base(bot: Any) -> dict[str, Any]:
    return personal_activity(ANNA, bot.connector.url, type="message", text="hej")


def _body(bot: Any, case: Any) -> Any:
    if not isinstance(case, dict):
        return case
    return {**_base(bot), **case}


async def _post_raw(bot: Any, body: bytes) -> int:
    async with bot.http.post(
        bot.endpoint, data=body, headers={"Content-Type": "application/json"}
    ) as response:
        return response.status


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert "Traceback" not in caplog.text
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", list(CASES))
async def test_a_malformed_activity_is_a_400_with_one_log_line(bot, caplog, name):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        status = await _post_raw(bot, json.dumps(_body(bot, CASES[name])).encode())
    assert status == 400
    refusals = [r for r in caplog.records if r.name == "adapters.edge"]
    assert len(refusals) == 1 and len(refusals[0].getMessage()) < 300
    _no_tracebacks(caplog)
    assert bot.connector.sent == []


async def test_deep_nesting_and_oversized_bodies_are_refused(bot, caplog):
    deep = json.dumps(_base(bot))[:-1] + ', "value": ' + "[" * 1000 + "]" * 1000 + "}"
    deeper = '{"type": "message", "value": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with caplog.at_level(logging.INFO):
        assert await _post_raw(bot, deep.encode()) == 400
        assert await _post_raw(bot, deeper.encode()) in (400, 413)
        huge = {**_base(bot), "text": "a" * (bot.settings.max_request_bytes + 10)}
        assert await _post_raw(bot, json.dumps(huge).encode()) == 413
        assert await _post_raw(bot, b"\xff\xfe not json") == 400
    _no_tracebacks(caplog)


async def test_a_flood_of_tiny_bodies_does_not_flood_the_log(bot, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        for _ in range(500):
            assert await _post_raw(bot, b"[]") == 400
    # aiohttp's access log is at WARNING in production (logging_setup); the bot's own lines count.
    ours = "".join(r.getMessage() for r in caplog.records if r.name != "aiohttp.access")
    assert len(ours) < 20_000  # at most 60 short lines a minute, then one "N more" line
    _no_tracebacks(caplog)


# --- generated corpus ----------------------------------------------------------------------------
POOL: list[Any] = [None, 5, -1, 1.5, True, "x", "", [], {}, [None, 5], {"a": None}, "ä" * 300, [{}]]


def _seeds(bot: Any) -> list[dict[str, Any]]:
    url = bot.connector.url
    card = {"action": {"type": "Action.Execute", "verb": "case.take", "data": {"case_id": "c", "version": 1}}}
    return [
        personal_activity(ANNA, url, type="message", text="ny anmälan", deliveryMode="expectReplies"),
        personal_activity(
            ANNA, url, type="message", value={"action": "submit"}, deliveryMode="expectReplies"
        ),
        personal_activity(ANNA, url, type="invoke", name="adaptiveCard/action", value=card),
        personal_activity(ANNA, url, type="conversationUpdate", membersAdded=[{"id": "28:skyddad-id-bot"}]),
        personal_activity(ANNA, url, type="installationUpdate", action="add"),
        personal_activity(ANNA, url, type="messageReaction", reactionsAdded=[{"type": "like"}]),
        personal_activity(
            ANNA,
            url,
            type="message",
            text="hej",
            attachments=[{"contentType": "text/html", "content": "<p>hej</p>"}],
        ),
    ]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    )
    for key, child in children:
        found.extend(_paths(child, (*prefix, key)))
    return found


def _mutate(activity: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    mutated = copy.deepcopy(activity)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(mutated)
        if not paths:
            break
        *parents, last = rng.choice(paths)
        holder: Any = mutated
        for key in parents:
            holder = holder[key]
        if isinstance(holder, dict) and rng.random() < 0.2:
            del holder[last]
        else:
            holder[last] = copy.deepcopy(rng.choice(POOL))
    return mutated


async def test_a_corpus_of_mutated_activities_never_gets_a_500(bot, caplog):
    rng = random.Random(13)
    seeds = _seeds(bot)
    statuses: dict[int, int] = {}
    with caplog.at_level(logging.INFO):
        for _ in range(400):
            activity = _mutate(rng.choice(seeds), rng)
            status = await _post_raw(bot, json.dumps(activity).encode())
            assert status < 500, activity
            statuses[status] = statuses.get(status, 0) + 1
    _no_tracebacks(caplog)
    assert statuses.get(400, 0) > 50 and sum(v for k, v in statuses.items() if k < 300) > 50  # both kinds ran


async def test_a_large_valid_body_sent_in_small_chunks_is_read_whole(bot):
    activity = {**_base(bot), "deliveryMode": "expectReplies", "text": "hjälp", "summary": "x" * 30_000}
    body = json.dumps(activity).encode()

    async def trickle() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]
            await asyncio.sleep(0.005)  # arrives over time, as from a slow network

    async with bot.http.post(
        bot.endpoint, data=trickle(), headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 200
        assert "personnummer" in str(await response.json())
