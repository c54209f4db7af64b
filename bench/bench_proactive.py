"""CPU per proactive send: the app's own ProactiveSender against the stand-in Teams connector.

    .venv/bin/python bench/bench_proactive.py [--sends 200] [--rounds 5] [--baseline /work/main]

Each checkout (this one; with --baseline also another, e.g. main before a change) runs in its own
worker process that builds the app with bot.create_app (as bot.py does) in local mode and, each
round, sends `--sends` of each kind through its `App.sender` to bench/connector.py (its own
process), one after another as the outbox does: a case card as a new channel thread
(start_thread), a notice in a 1:1 chat (send), a reply in that thread (reply_in_thread) and an
update of that card (update). Every send goes to a conversation (and tenant) of its own, saved
before the clock starts, so Teams' rate limits that the sender keeps do not make it wait.
Measured: the worker's process CPU (all its threads) per send, and the wall time per send. The
rounds alternate between the checkouts, so both see the same machine; medians over the rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("start_thread", "send", "reply_in_thread", "update")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def card() -> dict[str, Any]:
    """About the size and shape of a case card (~3 KB of JSON)."""
    facts = [{"title": f"Fält {i}", "value": f"Värde nummer {i} med lite text"} for i in range(12)]
    actions = [
        {
            "type": "Action.Execute",
            "title": f"Steg {i}",
            "verb": f"case.step{i}",
            "data": {"case": "c-1", "v": i},
        }
        for i in range(5)
    ]
    return {
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [
                {"type": "TextBlock", "text": "Ärende SID-2026-0001", "weight": "Bolder", "size": "Medium"},
                {"type": "FactSet", "facts": facts},
                {"type": "TextBlock", "text": "Historik: skapad, tilldelad, påmind " * 4, "wrap": True},
            ],
            "actions": actions,
            "refresh": {
                "action": {"type": "Action.Execute", "verb": "case.refresh"},
                "userIds": ["29:karin"],
            },
        },
    }


# ---------------------------------------------------------------- worker (one per checkout)


async def worker(root: Path, service_url: str, data_dir: Path) -> None:
    sys.path.insert(0, str(root))
    os.chdir(data_dir)  # a developer's .env in the checkout must not change the bot
    from aiohttp import web
    from botbuilder.core import CardFactory, MessageFactory
    from botbuilder.schema import Activity

    from bot import SERVICES, create_app
    from config import load_settings
    from domain.ports import channel_reference_key, user_reference_key

    # The app as bot.py builds it, started without a listener; no outbox polling: the benchmark
    # calls the sender itself.
    settings = load_settings(_env_file=None, data_dir=data_dir, outbox_poll_seconds=0)
    runner = web.AppRunner(create_app(settings))
    await runner.setup()
    services = runner.app[SERVICES]
    sender = services.sender
    base = {"serviceUrl": service_url, "channelId": "msteams", "bot": {"id": "28:bot", "name": "Skyddad ID"}}
    # Built as the jobs build them (jobs/case_threads.py, jobs/routing.py): an Attachment model,
    # not a plain dict (a dict is no schema model: the codec hands it to msrest, ~1 ms a card).
    attachment = CardFactory.adaptive_card(card()["content"])

    def activity(text: str | None = None) -> Activity:
        if text is not None:
            return MessageFactory.text(text)
        return MessageFactory.attachment(attachment)

    async def references(round_number: int, sends: int) -> tuple[list[str], list[str]]:
        """Fresh conversations (and tenants) every round: the sender keeps Teams' per-conversation
        and per-tenant rate limits, and the benchmark measures sends, not waiting."""
        channels, users = [], []
        for i in range(sends):
            tenant = f"t-{round_number}-{i}"
            channel = f"19:bench-{round_number}-{i}@thread.tacv2"
            key = channel_reference_key(channel)
            conversation = {"id": channel, "isGroup": True, "conversationType": "channel", "tenantId": tenant}
            await services.stores.references.save(key, base | {"conversation": conversation})
            channels.append(key)
            key = user_reference_key(f"29:bench-{round_number}-{i}")
            conversation = {
                "id": f"a:1to1-{round_number}-{i}",
                "conversationType": "personal",
                "tenantId": tenant,
            }
            await services.stores.references.save(
                key, base | {"user": {"id": "29:u", "name": "Anna"}, "conversation": conversation}
            )
            users.append(key)
        return channels, users

    for round_number, line in enumerate(sys.stdin):
        sends = int(line)
        channels, users = await references(round_number, sends)
        threads: list[tuple[str, str]] = []
        result: dict[str, dict[str, float]] = {}
        for kind in KINDS:
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(sends):
                if kind == "start_thread":
                    threads.append(await sender.start_thread(channels[i], activity()))
                elif kind == "send":
                    await sender.send(users[i], activity(f"Ditt ärende SID-{i} är nu tilldelat Karin Holm."))
                elif kind == "reply_in_thread":
                    await sender.reply_in_thread(channels[i], threads[i][0], activity(f"Påminnelse {i}."))
                else:
                    await sender.update(channels[i], threads[i][0], threads[i][1], activity())
            result[kind] = {
                "cpu_ms": (time.process_time() - cpu) * 1000 / sends,
                "wall_ms": (time.perf_counter() - wall) * 1000 / sends,
            }
        print(json.dumps(result), flush=True)
    await runner.cleanup()


# ---------------------------------------------------------------- driver


class Worker:
    def __init__(self, name: str, root: Path, service_url: str, tmp: Path) -> None:
        own = root / ".venv" / "bin" / "python"
        python = str(own) if own.exists() else sys.executable
        data = tmp / name
        data.mkdir()
        self.name = name
        self.rounds: list[dict[str, dict[str, float]]] = []
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
        command = [python, str(Path(__file__).resolve()), "--worker", str(root), service_url, str(data)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, cwd=data
        )

    def run(self, sends: int) -> dict[str, dict[str, float]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{sends}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name}: worker ended")
        result: dict[str, dict[str, float]] = json.loads(line)
        return result

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def report(workers: list[Worker]) -> None:
    print(f"\n{'kind':<16}" + "".join(f"{w.name + ' CPU ms':>16}{'wall ms':>10}" for w in workers), end="")
    print("   ratio (CPU)" if len(workers) == 2 else "")
    for kind in (*KINDS, "all"):
        row = f"{kind:<16}"
        cpus = []
        for w in workers:
            if kind == "all":
                cpu = statistics.median(sum(r[k]["cpu_ms"] for k in KINDS) / len(KINDS) for r in w.rounds)
                wall = statistics.median(sum(r[k]["wall_ms"] for k in KINDS) / len(KINDS) for r in w.rounds)
            else:
                cpu = statistics.median(r[kind]["cpu_ms"] for r in w.rounds)
                wall = statistics.median(r[kind]["wall_ms"] for r in w.rounds)
            cpus.append(cpu)
            row += f"{cpu:>16.3f}{wall:>10.3f}"
        if len(workers) == 2:
            row += f"   {cpus[0] / cpus[1]:.2f}x"
        print(row)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        root, service_url, data = sys.argv[2:5]
        asyncio.run(worker(Path(root), service_url, Path(data)))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sends", type=int, default=200, help="sends of each kind per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, run as 'base' beside this one")
    args = parser.parse_args()
    port = free_port()
    connector = subprocess.Popen([sys.executable, str(ROOT / "bench" / "connector.py"), str(port)])
    workers: list[Worker] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            checkouts = [("base", args.baseline.resolve())] if args.baseline else []
            checkouts.insert(0, ("this", ROOT))
            for name, root in checkouts:
                workers.append(Worker(name, root, f"http://127.0.0.1:{port}/{name}", Path(tmp)))
            for w in workers:
                w.run(max(10, args.sends // 5))  # warm-up: imports, first clients, connections
            for round_number in range(args.rounds):
                order = workers if round_number % 2 == 0 else workers[::-1]
                for w in order:
                    w.rounds.append(w.run(args.sends))
                print(f"round {round_number + 1}/{args.rounds} done", file=sys.stderr)
            for w in workers:
                w.stop()
            report(workers)
    finally:
        for w in workers:
            if w.process.poll() is None:
                w.process.kill()
        connector.terminate()
        connector.wait(timeout=10)


if __name__ == "__main__":
    main()
