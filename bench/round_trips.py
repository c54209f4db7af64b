"""Store round trips per turn of a type A intake, counted at the store ports (both backends).

    .venv/bin/python bench/round_trips.py [--redis redis://127.0.0.1:6379/0]

Runs the real app in-process (create_app, loopback HTTP, expectReplies) with the outbox worker
off, wraps every async method of every store port with a counter, and prints which calls each
turn made. A port call is one round trip: one hop to the SQLite thread (writes may share a commit)
or one Redis command, pipeline or Lua script.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bench import load  # noqa: E402
from bot import SERVICES, create_app  # noqa: E402
from config import load_settings  # noqa: E402

PORTS = ("documents", "cases", "audit", "references", "due", "seen")


def count_calls(stores: Any, calls: Counter[str]) -> None:
    for port_name in PORTS:
        port = getattr(stores, port_name, None)
        for name in dir(port):
            method = getattr(port, name)
            if name.startswith("_") or not asyncio.iscoroutinefunction(method):
                continue

            def wrap(fn: Callable[..., Awaitable[Any]], label: str) -> Callable[..., Awaitable[Any]]:
                @functools.wraps(fn)
                async def counted(*args: Any, **kwargs: Any) -> Any:
                    calls[label] += 1
                    return await fn(*args, **kwargs)

                return counted

            setattr(port, name, wrap(method, f"{port_name}.{name}"))


async def main(redis_url: str) -> None:
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            _env_file=None, data_dir=Path(data), outbox_poll_seconds=0, redis_url=redis_url,
            redis_key_prefix="roundtrips", admin_ids="29:karin=Karin Holm",
        )  # fmt: skip
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        calls: Counter[str] = Counter()
        count_calls(server.app[SERVICES].stores, calls)
        target = load.Target("bot", str(server.make_url("/api/messages")), True, "http://127.0.0.1:9")
        original = load.post
        async with ClientSession() as http:
            for label in ("first case of a new user", "a returning user's next case"):
                print(f"\n{settings.storage_backend}: {label}")

                async def traced(http: ClientSession, target: load.Target, activity: dict[str, Any]) -> Any:
                    calls.clear()
                    body = await original(http, target, activity)
                    what = activity.get("text") or "Skicka (card)"
                    print(f"  {what:24} {sum(calls.values()):2} round trips: {dict(sorted(calls.items()))}")
                    return body

                load.post = traced
                try:
                    await load.intake(http, target, 1)
                finally:
                    load.post = original
        await server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", default="", help="redis://… to count the Redis store instead")
    asyncio.run(main(parser.parse_args().redis))
