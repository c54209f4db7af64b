"""What reading and writing the schema models costs per call: msrest against adapters/model_codec.py.

The calls a turn makes: the inbound parse (a Teams 1:1 message, a card click), the expectReplies
answer (a text reply, a reply with an Adaptive Card), the conversation reference the bot saves
and the one the outbox reads back, and the ConnectorClient's request body for a proactive card.
Old and new alternate in each of 7 rounds in one process (the same machine load for both); the
median round is reported, in µs per call. Both sides are checked to give the same result first.

    .venv/bin/python bench/bench_codec.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ConversationReference, ExpectedReplies
from botframework.connector.aio import ConnectorClient
from msrest.authentication import BasicAuthentication

from adapters.model_codec import from_json, same, to_json, use_fast_codec
from cards.common import adaptive_card, facts, heading, paragraph

URL = "https://smba.trafficmanager.net/emea/"
BASE = {
    "id": "1700000000000",
    "channelId": "msteams",
    "serviceUrl": URL,
    "timestamp": "2026-12-08T08:15:02.6651343Z",
    "localTimestamp": "2026-12-08T09:15:02.6651343+01:00",
    "localTimezone": "Europe/Stockholm",
    "from": {"id": "29:anna", "name": "Anna Lindqvist", "aadObjectId": "aad-anna"},
    "recipient": {"id": "28:bot", "name": "Skyddad ID"},
    "conversation": {"id": "a:anna", "conversationType": "personal", "tenantId": "t"},
    "channelData": {"tenant": {"id": "t"}},
    "locale": "sv-SE",
    "textFormat": "plain",
    "attachments": [],
    "entities": [
        {
            "type": "clientInfo",
            "locale": "sv-SE",
            "country": "SE",
            "platform": "Web",
            "timezone": "Europe/Stockholm",
        }
    ],
}
MESSAGE = {**BASE, "type": "message", "text": "ny anmälan"}
CLICK = {
    **BASE,
    "type": "invoke",
    "name": "adaptiveCard/action",
    "value": {
        "action": {"type": "Action.Execute", "verb": "case.take", "data": {"case_id": "x" * 26, "version": 3}}
    },
}
CARD = adaptive_card(
    [heading("SID-2026-0042 · Typ A"), facts([(f"Fält {i}", f"Värde {i}") for i in range(8)])]
    + [paragraph(f"Händelse {i}: något hände i ärendet", isSubtle=True) for i in range(6)],
    [{"type": "Action.Execute", "title": f"Steg {i}", "verb": f"case.step{i}", "data": {"case_id": "x" * 26, "version": 3}} for i in range(4)],
    refresh={"action": {"type": "Action.Execute", "verb": "case.refresh"}, "userIds": ["29:karin", "29:lars"]},
)  # fmt: skip


def _replies() -> tuple[Activity, Activity, ConversationReference]:
    inbound = Activity().deserialize(MESSAGE)
    reference = TurnContext.get_conversation_reference(inbound)
    text = TurnContext.apply_conversation_reference(MessageFactory.text("Vilken organisation?"), reference)
    card = TurnContext.apply_conversation_reference(
        MessageFactory.attachment(CardFactory.adaptive_card(CARD)), reference
    )
    return text, card, reference


def cases() -> dict[str, tuple[Callable[[], Any], Callable[[], Any]]]:
    text, card, reference = _replies()
    stored = reference.serialize()
    client = ConnectorClient(BasicAuthentication("", ""), base_url=URL)
    slow_body = client.conversations._serialize
    use_fast_codec(client)
    fast_body = client.conversations._serialize
    return {
        "read a 1:1 message": (lambda: Activity().deserialize(MESSAGE), lambda: from_json(Activity, MESSAGE)),
        "read a card click": (lambda: Activity().deserialize(CLICK), lambda: from_json(Activity, CLICK)),
        "write expectReplies, text": (
            lambda: ExpectedReplies(activities=[text]).serialize(),
            lambda: to_json(ExpectedReplies(activities=[text])),
        ),
        "write expectReplies, card": (
            lambda: ExpectedReplies(activities=[card]).serialize(),
            lambda: to_json(ExpectedReplies(activities=[card])),
        ),
        "write a conversation reference": (reference.serialize, lambda: to_json(reference)),
        "read a stored reference": (
            lambda: ConversationReference().deserialize(stored),
            lambda: from_json(ConversationReference, stored),
        ),
        "connector body, card": (
            lambda: slow_body.body(card, "Activity"),
            lambda: fast_body.body(card, "Activity"),
        ),
    }


def _per_call_us(fn: Callable[[], Any], n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1e6


def main(rounds: int = 7, n: int = 500) -> None:
    print("| call | msrest (µs) | model_codec (µs) | ratio |")
    print("|---|---|---|---|")
    for name, (old, new) in cases().items():
        assert same(old(), new()), name
        timings: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(rounds):
            timings["old"].append(_per_call_us(old, n))
            timings["new"].append(_per_call_us(new, n))
        before, after = statistics.median(timings["old"]), statistics.median(timings["new"])
        print(f"| {name} | {before:.1f} | {after:.1f} | {before / after:.1f}x |")


if __name__ == "__main__":
    main()
