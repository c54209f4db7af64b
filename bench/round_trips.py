"""Store round trips per turn of a type A intake, counted at the store ports (both backends).

    .venv/bin/python bench/round_trips.py [--redis redis://127.0.0.1:6379/0]

Runs the real app in-process (create_app, loopback HTTP, expectReplies) with the outbox worker
off, wraps every async method of every store port with a counter, and prints which calls each
turn made. A port call is one round trip: one SQLite read or write (writes may share a commit)
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
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bench import load  # noqa: E402
from bench.connector import Connector, make_app  # noqa: E402
from bot import SERVICES, create_app  # noqa: E402
from config import load_settings  # noqa: E402


def count_calls(stores: Any, calls: Counter[str]) -> None:
    """Wrap every async method of every port the Stores object holds (documents, cases, ...)."""
    for port_name in sorted(getattr(type(stores), "__annotations__", {}) | vars(stores)):
        port = getattr(stores, port_name, None)
        if port_name.startswith("_") or port is None or isinstance(port, (str, Path)):
            continue
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
    connector = Connector()
    connector_server = TestServer(make_app(connector), host="127.0.0.1")
    await connector_server.start_server()
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            _env_file=None, data_dir=Path(data), outbox_poll_seconds=0, redis_url=redis_url,
            redis_key_prefix=f"roundtrips-{uuid4().hex[:8]}", admin_ids="29:karin=Karin Holm",
        )  # fmt: skip
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        services = server.app[SERVICES]
        calls: Counter[str] = Counter()
        count_calls(services.stores, calls)
        service_url = str(connector_server.make_url("/bot"))
        target = load.Target("bot", str(server.make_url("/api/messages")), True, service_url)
        original = load.post

        async def traced(http: ClientSession, target: load.Target, activity: dict[str, Any]) -> Any:
            calls.clear()
            body = await original(http, target, activity)
            action = (activity.get("value") or {}).get("action", {}).get("verb")
            what = activity.get("text") or action or "Skicka (card)"
            print(f"  {what[:28]:28} {sum(calls.values()):2} round trips: {dict(sorted(calls.items()))}")
            return body

        async with ClientSession() as http:
            print(f"{settings.storage_backend}: linking the central channel")
            await load.link_central_channel(http, target)  # before load.post is traced
            load.post = traced
            try:
                for label in ("first case of a new user", "a returning user's next case"):
                    print(f"\n{settings.storage_backend}: {label}")
                    await load.intake(http, target, 1)
                calls.clear()
                await services.worker.run_until_idle()  # post the case cards
                print(f"\n{settings.storage_backend}: the outbox posting those 2 cases (cards, notices)")
                print(f"  {'outbox':28} {sum(calls.values()):2} round trips: {dict(sorted(calls.items()))}")
                print(f"\n{settings.storage_backend}: an admin's five steps (Action.Execute invokes)")
                await load.admin_steps(http, target, connector.bots["bot"].threads[0], load.Clicks())
            finally:
                load.post = original
        await server.close()
    await connector_server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", default="", help="redis://… to count the Redis store instead")
    asyncio.run(main(parser.parse_args().redis))
