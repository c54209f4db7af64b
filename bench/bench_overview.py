"""`@bot översikt` at 1k / 10k / 100k open cases, both stores, over real HTTP.

    .venv/bin/python bench/bench_overview.py [--sizes 1000,100000] [--backends sqlite,redis]

Runs the real app in-process (create_app, loopback HTTP, expectReplies, worker off) on a fresh
SQLite file or a private redis-server, fills the store with `n` open cases (a mix of reminder
kinds, filed over the last 60 days, each with routing's thread record) through the stores' own
case repository, then times, 7 times each (median, max): the `@bot översikt` message (first
page), and Action.Execute page clicks at the start, in the middle and at the end of the queue.
Also reported: the longest the event loop went without running a 1 ms ticker during the clicks
(the whole turn runs on this loop: HTTP, botbuilder, store, card), the process's CPU time per
request (the client is in the same process, so this is an upper bound of the bot's own, and
unlike wall time it does not grow when other work shares the machine), and on Redis the slowest
command the server logged (SLOWLOG, threshold 100 µs) during them.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402
from redis.asyncio import Redis  # noqa: E402

from adapters.store_keys import DocumentKeys  # noqa: E402
from bench.stall_meter import StallMeter  # noqa: E402
from bot import SERVICES, create_app  # noqa: E402
from config import load_settings  # noqa: E402
from domain.case import Action, Case, CaseKind, Organisation, OrgKind, Person  # noqa: E402
from domain.reminders import ReminderKind  # noqa: E402
from tests.support.redis_server import RedisServer  # noqa: E402

CENTRAL = "19:central-cases@thread.tacv2"
TEAM = "19:team-lifecare@thread.tacv2"
KARIN = {"id": "29:karin", "name": "Karin Holm", "aadObjectId": "aad-karin"}
BOT = {"id": "28:skyddad-id-bot", "name": "Skyddad ID"}
ADMIN = Person(id="29:karin", name="Karin Holm", aad_id="aad-karin")
SUBMITTER = Person(id="29:anna", name="Anna Lindqvist", aad_id="aad-anna")
REPEATS = 7
CHUNK = 500


def make_case(rng: random.Random, now: datetime) -> Case:
    at = now - timedelta(minutes=rng.randrange(1, 60 * 24 * 60))
    case = Case(
        id=uuid4().hex,
        kind=rng.choice([CaseKind.A, CaseKind.B]),
        organisation=Organisation(kind=OrgKind.REGION, name="Region Västernorrland"),
        patient_id=f"P{rng.randrange(10**6):06d}",
        submitter=SUBMITTER,
        created_at=at,
        updated_at=at,
    )
    fate = rng.random()
    if fate > 0.4:
        case.apply(Action.TAKE, ADMIN, at + timedelta(minutes=5))
        if case.kind is CaseKind.A:
            case.apply(Action.RECORD_CALL, ADMIN, at + timedelta(minutes=10))
        case.apply(Action.RECORD_ADDRESS_UPDATE, ADMIN, at + timedelta(minutes=15))
    if fate > 0.85:
        case.apply(Action.CONFIRM_PROTECTED, ADMIN, at + timedelta(minutes=20))
        case.apply(Action.RECORD_PROCESS_CLOSED, ADMIN, at + timedelta(minutes=25))
        case.apply(Action.RECORD_SENT_TO_VENDOR, ADMIN, at + timedelta(minutes=30), detail="INC0012345")
    return case


async def populate(services: Any, n: int) -> None:
    rng = random.Random(n)
    now = datetime.now(UTC)
    made = 0
    while made < n:
        cases = [make_case(rng, now) for _ in range(min(CHUNK, n - made))]
        stored = await asyncio.gather(*(services.stores.cases.create(case) for case in cases))
        await services.stores.documents.write(
            {
                DocumentKeys.case_place(case.id): {
                    "thread": f"{CENTRAL};messageid={1_764_000_000_000 + made + i}"
                }
                for i, case in enumerate(stored)
            }
        )
        made += len(cases)


def activity(service_url: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": uuid4().hex,
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": KARIN,
        "recipient": BOT,
        "conversation": {
            "id": f"{CENTRAL};messageid=1",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": "t",
        },
        "channelData": {"tenant": {"id": "t"}, "channel": {"id": CENTRAL}, "team": {"id": TEAM}},
        "locale": "sv-SE",
        **fields,
    }


async def measure(backend: str, n: int, redis_url: str) -> None:
    with tempfile.TemporaryDirectory() as data:
        prefix = f"benchoverview-{uuid4().hex[:8]}"
        settings = load_settings(
            _env_file=None, data_dir=Path(data), outbox_poll_seconds=0, admin_ids="29:karin=Karin Holm",
            central_channel_id=CENTRAL, central_team_id=TEAM, turns_per_user_minute=0,
            turns_per_conversation_minute=0,
            **({"redis_url": redis_url, "redis_key_prefix": prefix} if backend == "redis" else {}),
        )  # fmt: skip
        server = TestServer(create_app(settings), host="127.0.0.1")
        await server.start_server()
        services = server.app[SERVICES]
        started = time.perf_counter()
        await populate(services, n)
        filled = time.perf_counter() - started
        endpoint = str(server.make_url("/api/messages"))
        service_url = "http://127.0.0.1:9"
        totals = {kind: (await services.stores.cases.idle(kind, limit=0)).total for kind in ReminderKind}
        cursors = {
            "start": {kind.value: 0 for kind in ReminderKind},
            "middle": {kind.value: totals[kind] // 2 for kind in ReminderKind},
            "end": {kind.value: max(0, totals[kind] - 4) for kind in ReminderKind},
        }
        redis = Redis.from_url(redis_url) if backend == "redis" else None
        if redis is not None:
            await redis.config_set("slowlog-log-slower-than", 100)
            await redis.slowlog_reset()
        async with ClientSession() as http:
            cpu: dict[str, list[float]] = {}

            async def post(name: str, body: dict[str, Any]) -> None:
                began, began_cpu = time.perf_counter(), time.process_time()
                async with http.post(endpoint, json=body) as response:
                    assert response.status == 200, await response.text()
                    answer = await response.json()
                results.setdefault(name, []).append(time.perf_counter() - began)
                cpu.setdefault(name, []).append(time.process_time() - began_cpu)
                text = str(answer)
                assert "SID-" in text and "P0" not in text, text[:300]  # never a Patient ID

            results: dict[str, list[float]] = {}
            async with StallMeter().watching() as lag:
                for _ in range(REPEATS):
                    mention = {"type": "mention", "mentioned": BOT, "text": f"<at>{BOT['name']}</at>"}
                    message = activity(
                        service_url, type="message", text=f"<at>{BOT['name']}</at> översikt",
                        entities=[mention], deliveryMode="expectReplies",
                    )  # fmt: skip
                    await post("message (page 1)", message)
                    for name, cursor in cursors.items():
                        value = {
                            "action": {
                                "type": "Action.Execute",
                                "verb": "overview.page",
                                "data": {"page": cursor},
                            }
                        }
                        click = activity(service_url, type="invoke", name="adaptiveCard/action", value=value)
                        await post(f"click: {name}", click)
        slowest = ""
        if redis is not None:
            entries = await redis.slowlog_get(128)
            worst = max(entries, key=lambda e: e["duration"], default=None)
            slowest = (
                f", slowest Redis command {worst['duration'] / 1000:.2f} ms ({worst['command'][:40]!r})"
                if worst
                else ", no Redis command over 0.1 ms"
            )
            await redis.aclose()
        print(
            f"\n{backend}, {n:,} open cases (filled in {filled:.0f} s; by kind {[totals[k] for k in ReminderKind]})"
        )
        for name, times in results.items():
            print(
                f"  {name:18} wall median {statistics.median(times) * 1000:6.1f} ms, max {max(times) * 1000:6.1f} ms"
                f" · CPU in the bot process median {statistics.median(cpu[name]) * 1000:5.1f} ms"
            )
        print(f"  longest event-loop block during the requests: {lag.worst * 1000:.1f} ms{slowest}")
        await server.close()


async def main(sizes: list[int], backends: list[str]) -> None:
    redis_server = None
    if "redis" in backends:
        redis_server = RedisServer(Path(tempfile.mkdtemp(prefix="bench-overview-redis-")))
        redis_server.start()
    try:
        for backend in backends:
            for n in sizes:
                await measure(backend, n, redis_server.url if redis_server else "")
    finally:
        if redis_server is not None:
            redis_server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--backends", default="sqlite,redis")
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.backends.split(",")))
