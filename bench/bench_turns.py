"""Turns per second through the real aiohttp app, msrest's retry list stock vs built once.

Both variants run in this one process, alternating rounds, against the same app and store, so
the ratio is comparable even on a busy machine. Each turn is a 1:1 `hjälp` message with
deliveryMode expectReplies (the CloudAdapter still builds a connector client per turn).

    .venv/bin/python bench/bench_turns.py [turns-per-round] [concurrency]
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from msrest.universal_http import requests as msrest_requests

from bot import create_app
from config import load_settings

STOCK_INIT = msrest_requests.ClientRetryPolicy.__init__


def activity(n: int) -> dict[str, object]:
    return {
        "type": "message",
        "id": f"bench-{n}",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9",
        "deliveryMode": "expectReplies",
        "locale": "sv-SE",
        "text": "hjälp",
        "from": {"id": f"29:user{n % 50}", "name": "Bench"},
        "recipient": {"id": "28:bot"},
        "conversation": {"id": f"a:bench-{n % 50}", "conversationType": "personal", "tenantId": "t"},
    }


async def round_trip(http: ClientSession, url: str, turns: int, concurrency: int, offset: int) -> float:
    queue = iter(range(offset, offset + turns))

    async def worker() -> None:
        for n in queue:
            async with http.post(url, json=activity(n)) as response:
                assert response.status == 200, response.status
                await response.read()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return turns / (time.perf_counter() - started)


async def main(turns: int, concurrency: int, rounds: int = 5) -> None:
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(_env_file=None, data_dir=Path(data), outbox_poll_seconds=0)
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        fixed_init = msrest_requests.ClientRetryPolicy.__init__
        url = str(server.make_url("/api/messages"))
        results: dict[str, list[float]] = {"stock": [], "fixed": []}
        async with ClientSession() as http:
            await round_trip(http, url, 50, concurrency, 0)  # warm-up
            offset = 1_000
            for _ in range(rounds):
                for name, init in (("stock", STOCK_INIT), ("fixed", fixed_init)):
                    msrest_requests.ClientRetryPolicy.__init__ = init
                    results[name].append(await round_trip(http, url, turns, concurrency, offset))
                    offset += turns
        await server.close()
    stock, fixed = (statistics.median(results[k]) for k in ("stock", "fixed"))
    print(f"{turns} turns x {rounds} rounds, concurrency {concurrency} (medians)")
    print(f"  msrest stock retry list : {stock:7.1f} turns/s")
    print(f"  retry list built once   : {fixed:7.1f} turns/s")
    print(f"  ratio fixed / stock     : {fixed / stock:7.2f}x")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    asyncio.run(main(args[0] if args else 300, args[1] if len(args) > 1 else 20))
