"""What the request checks at the edge cost per request (adapters/request_validation.py).

Times `parse_activity` (JSON, depth cap, shape model, the SDK's Activity) against what the SDK
alone did before (JSON + Activity), on a typical Teams message, a card click and a
conversationUpdate; and how long a nesting bomb takes to be refused. Median of 7 runs.

    .venv/bin/python bench/bench_edge.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from botbuilder.schema import Activity

from adapters.request_validation import BadActivity, parse_activity

URL = "https://smba.trafficmanager.net/emea/"
BASE = {
    "id": "1",
    "channelId": "msteams",
    "serviceUrl": URL,
    "from": {"id": "29:anna", "name": "Anna Lindqvist", "aadObjectId": "aad-anna"},
    "recipient": {"id": "28:bot", "name": "Skyddad ID"},
    "conversation": {"id": "a:anna", "conversationType": "personal", "tenantId": "t"},
    "channelData": {"tenant": {"id": "t"}},
    "locale": "sv-SE",
    "entities": [{"type": "clientInfo", "locale": "sv-SE", "country": "SE", "platform": "Web"}],
}
SAMPLES = {
    "message": {**BASE, "type": "message", "text": "ny anmälan"},
    "card click": {
        **BASE,
        "type": "invoke",
        "name": "adaptiveCard/action",
        "value": {
            "action": {
                "type": "Action.Execute",
                "verb": "case.take",
                "data": {"case_id": "x" * 26, "version": 3},
            }
        },
    },
    "conversationUpdate": {
        **BASE,
        "type": "conversationUpdate",
        "membersAdded": [{"id": "28:bot"}, {"id": "29:x"}],
    },
}


def _median_us(fn: object, body: bytes, n: int = 2000) -> float:
    runs = []
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(n):
            fn(body)  # type: ignore[operator]
        runs.append((time.perf_counter() - started) / n * 1e6)
    return statistics.median(runs)


def _sdk_only(body: bytes) -> None:
    Activity().deserialize(json.loads(body))


def _checked(body: bytes) -> None:
    parse_activity(body, 64)


def main() -> None:
    print("| activity | bytes | SDK alone (µs) | with edge checks (µs) |")
    print("|---|---|---|---|")
    for name, activity in SAMPLES.items():
        body = json.dumps(activity).encode()
        sdk, checked = _median_us(_sdk_only, body), _median_us(_checked, body)
        print(f"| {name} | {len(body)} | {sdk:.0f} | {checked:.0f} |")
    bomb = b'{"type": "message", "value": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    started = time.perf_counter()
    try:
        parse_activity(bomb, 64)
    except BadActivity as refused:
        took = (time.perf_counter() - started) * 1000
        print(f"\n100,000-deep nesting ({len(bomb)} bytes): refused in {took:.1f} ms ({refused.reason})")


if __name__ == "__main__":
    main()
