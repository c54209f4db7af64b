"""A benchmark's Redis: a redis-server of its own, and the longest single command or script
while something ran, from its SLOWLOG (threshold 0 while measuring, off otherwise)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from tests.support.redis_server import RedisServer


@contextlib.asynccontextmanager
async def store_location(store: str, workdir: Path) -> AsyncIterator[tuple[str, Redis | None]]:
    """("", None) for SQLite; for Redis a fresh server's URL and a client to read its SLOWLOG."""
    if store == "sqlite":
        yield "", None
        return
    server = RedisServer(workdir / "redis", extra=("--slowlog-max-len", "100000"))
    server.start()
    client = Redis.from_url(server.url, decode_responses=True)
    await client.config_set("slowlog-log-slower-than", -1)  # on while measuring only
    try:
        yield server.url, client
    finally:
        await client.aclose()
        server.stop()


async def start_logging(redis: Redis) -> None:
    await redis.slowlog_reset()
    await redis.config_set("slowlog-log-slower-than", 0)  # every command


async def slowest(redis: Redis) -> tuple[float, str]:
    """The longest command since `start_logging` (ms, its name), and logging off again."""
    entries = await redis.slowlog_get(100_000)
    await redis.config_set("slowlog-log-slower-than", -1)  # off while populating
    timed = [entry for entry in entries if not _is_slowlog(entry["command"])]
    if not timed:
        return 0.0, ""
    worst = max(timed, key=lambda entry: entry["duration"])
    return float(worst["duration"]) / 1000, command_name(worst["command"])


def command_name(command: Any) -> str:
    """The command and its first key ("EVALSHA sid:due:schedule", "ZRANGEBYSCORE sid:cases:…")."""
    text = command.decode(errors="replace") if isinstance(command, bytes) else str(command)
    words = text.split()
    named = words[:1] + words[3:4] if words[:1] == ["EVALSHA"] else words[:2]
    return " ".join(":".join(word.split(":")[:3]) for word in named)


def _is_slowlog(command: Any) -> bool:
    text = command.decode(errors="replace") if isinstance(command, bytes) else str(command)
    return text.upper().startswith(("SLOWLOG", "CONFIG"))
