"""Side by side in one run: this bot (SQLite, Redis) against botbuilder's floor and a stock waterfall.

    .venv/bin/python bench/bench_turns.py [--rounds 5] [--cases 3] [--users 20] [--profile sqlite]

Every bot is its own process (bot.py as `make run` starts it; bench/stock_bots.py for the two
references) behind loopback HTTP, next to a stand-in Teams connector process (bench/connector.py)
and a private redis-server with AOF `appendfsync everysec`. Each round runs every bot in turn
(the order rotates per round): 20 users at once each file `--cases` type A intakes (6 turns,
expectReplies), then an admin clicks five steps on `--invoke-cases` case cards, 4 at a time.
Reported: median turns/s over the rounds, invoke p50/p99 over all clicks, RSS after the load, and
boot time (spawn to the first 200 from /healthz) — and the ratios, which are the result; the
absolute numbers depend on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession  # noqa: E402

from bench import load  # noqa: E402

BENCH = ROOT / "bench"
NAMES = {
    "floor": "echo bot, msrest retry list fixed (the framework floor)",
    "waterfall": "stock botbuilder 4.17.1 2-step waterfall, MemoryStorage",
    "sqlite": "this bot, embedded SQLite store",
    "redis": "this bot, Redis store",
    "sqlite-base": "--baseline checkout, embedded SQLite store",
    "redis-base": "--baseline checkout, Redis store",
}
BASELINE = ROOT  # --baseline: another checkout of this repository (e.g. main before a change)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (machine load does not inflate it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Proc:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    boot: float = 0.0
    boot_cpu: float = 0.0
    rss: float = 0.0
    tps: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # the bot process's CPU per turn, per round
    click_cpu_ms: list[float] = field(default_factory=list)  # per click, with its outbox work, per round
    clicks: load.Clicks = field(default_factory=load.Clicks)
    threads_used: int = 0


async def wait_healthy(http: ClientSession, proc: Proc, started: float) -> None:
    while time.perf_counter() - started < 60:
        if proc.process.poll() is not None:
            raise RuntimeError(f"{proc.name} exited with {proc.process.returncode}")
        try:
            async with http.get(f"http://127.0.0.1:{proc.port}/healthz") as response:
                if response.status == 200:
                    proc.boot = time.perf_counter() - started
                    proc.boot_cpu = cpu_seconds(proc.process.pid)
                    return
        except OSError:
            pass
        await asyncio.sleep(0.01)
    raise RuntimeError(f"{proc.name} did not start")


def spawn(name: str, tmp: Path, redis_url: str, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp), "PYTHONDONTWRITEBYTECODE": "1"}
    if name in ("floor", "waterfall"):
        command = [
            sys.executable,
            str(BENCH / "stock_bots.py"),
            "echo" if name == "floor" else name,
            str(port),
        ]
    else:
        checkout = BASELINE if name.endswith("-base") else ROOT
        # A baseline runs on its own checkout's venv when it has one (its own locked dependencies).
        own = checkout / ".venv" / "bin" / "python"
        python = str(own) if name.endswith("-base") and own.exists() else sys.executable
        command = [python, str(checkout / "bot.py")]
        env |= {"PORT": str(port), "DATA_DIR": str(tmp / name), "ADMIN_IDS": "29:karin=Karin Holm"}
        # 20 bench users file 16 cases each and one admin clicks ~50 times a round: far past the
        # per-person caps (turn_limits.py, the hourly intake cap). Caps this high are never
        # reached, but every check still runs, so its cost stays in the figures.
        env |= {
            "TURNS_PER_USER_MINUTE": "1000000",
            "TURNS_PER_CONVERSATION_MINUTE": "1000000",
            "INTAKES_PER_USER_HOUR": "1000000",
        }
        if name.startswith("redis"):
            env |= {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": f"bench-{name}"}
    # cwd is the temp folder: a developer's .env in the repository must not change the bot.
    out = log.open("wb")
    return subprocess.Popen(command, cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT), port


async def counts(http: ClientSession, connector: str, name: str) -> dict[str, int]:
    async with http.get(f"{connector}/_bench/{name}/counts") as response:
        return dict(await response.json())


async def settle(http: ClientSession, connector: str, name: str, threads: int) -> None:
    """Wait until the outbox has posted `threads` case cards and nothing else arrives for 1.5 s."""
    deadline, last, quiet_since = (
        time.monotonic() + float(os.environ.get("BENCH_SETTLE", "120")),
        None,
        time.monotonic(),
    )
    while time.monotonic() < deadline:
        now = await counts(http, connector, name)
        if now != last:
            last, quiet_since = now, time.monotonic()
        elif now["threads"] >= threads and time.monotonic() - quiet_since > 1.5:
            return
        await asyncio.sleep(0.1)
    log = Path(os.environ.get("BENCH_TMP", "/nonexistent")) / f"{name}.log"
    tail = log.read_text()[-3000:] if log.exists() else ""
    raise RuntimeError(f"{name}: only {last} of {threads} case cards arrived\n{tail}")


async def run(args: argparse.Namespace, tmp: Path) -> list[Proc]:
    redis_port, connector_port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(tmp), "--save", "",
         "--appendonly", "yes", "--appendfsync", "everysec"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    connector = subprocess.Popen([sys.executable, str(BENCH / "connector.py"), str(connector_port)])
    procs: list[Proc] = []
    profiler: subprocess.Popen[bytes] | None = None
    try:
        async with ClientSession() as http:
            for name in args.variants:  # one at a time, so boot times do not overlap
                started = time.perf_counter()
                process, port = spawn(name, tmp, f"redis://127.0.0.1:{redis_port}/0", tmp / f"{name}.log")
                procs.append(Proc(name, process, port))
                await wait_healthy(http, procs[-1], started)
            base = f"http://127.0.0.1:{connector_port}"
            targets = {
                p.name: load.Target(
                    p.name,
                    f"http://127.0.0.1:{p.port}/api/messages",
                    p.name not in ("floor", "waterfall"),
                    f"{base}/{p.name}",
                )
                for p in procs
            }
            for proc in procs:  # link the central channel, then one warm-up intake per user
                target = targets[proc.name]
                if target.ours:
                    linked = await load.link_central_channel(http, target)
                    if "central" not in str(linked):
                        raise RuntimeError(f"{proc.name}: could not link the central channel: {linked}")
                await load.intake_round(http, target, args.users, 1)
                if target.ours:
                    await settle(http, base, proc.name, args.users)
                    proc.threads_used = args.users
            if args.profile:
                pid = next(p.process.pid for p in procs if p.name == args.profile)
                out = BENCH / f"profile-{args.profile}.txt"
                profiler = subprocess.Popen(
                    [
                        os.environ.get("PY_SPY") or str(Path(sys.executable).parent / "py-spy"),
                        "record",
                        "-p",
                        str(pid),
                        "-f",
                        "raw",
                        "-r",
                        "200",
                        "-o",
                        str(out),
                    ],
                    stdout=subprocess.DEVNULL,
                )
            filed = args.users
            # --clicks-only: each round files just the cases it clicks through (one per user)
            users, cases = (args.invoke_cases, 1) if args.clicks_only else (args.users, args.cases)
            for round_no in range(args.rounds):
                filed += users * cases
                for proc in procs[round_no % len(procs) :] + procs[: round_no % len(procs)]:
                    target = targets[proc.name]
                    cpu = cpu_seconds(proc.process.pid)
                    proc.tps.append(await load.intake_round(http, target, users, cases))
                    turns = users * cases * 6
                    proc.cpu_ms.append((cpu_seconds(proc.process.pid) - cpu) / turns * 1000)
                    if target.ours:
                        await settle(http, base, proc.name, filed)
                        async with http.get(
                            f"{base}/_bench/{proc.name}/threads?after={proc.threads_used}"
                        ) as r:
                            threads = (await r.json())[: args.invoke_cases]
                        proc.threads_used += users * cases
                    else:
                        threads = [{"conversation": f"{load.CENTRAL};messageid={i}", "card": {}}
                                   for i in range(args.invoke_cases)]  # fmt: skip
                    cpu = cpu_seconds(proc.process.pid)
                    if proc.name != "waterfall":  # a stock waterfall has no card to click
                        await load.invoke_round(http, target, threads, 4, proc.clicks)
                    if target.ours:
                        await settle(http, base, proc.name, filed)  # the clicks' outbox work too
                    clicks = len(threads) * len(load.ADMIN_STEPS)
                    proc.click_cpu_ms.append((cpu_seconds(proc.process.pid) - cpu) / clicks * 1000)
                print(
                    f"round {round_no + 1}: " + ", ".join(f"{p.name} {p.tps[-1]:.0f}" for p in procs),
                    flush=True,
                )
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(60)
            for proc in procs:
                proc.rss = rss_mb(proc.process.pid)
    finally:
        for process in [p.process for p in procs] + [connector, redis]:
            process.terminate()
            process.wait(10)
    return procs


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def report(procs: list[Proc], args: argparse.Namespace) -> None:
    by = {p.name: p for p in procs}
    floor, stock = by.get("floor"), by.get("waterfall")
    intakes = f"{args.invoke_cases} users x 1" if args.clicks_only else f"{args.users} users x {args.cases}"
    print(f"\n{args.rounds} rounds, {intakes} type A intakes (6 turns) per round; "
          f"{args.invoke_cases} cases x {len(load.ADMIN_STEPS)} admin clicks per round, 4 at a time\n")  # fmt: skip
    print(
        "| bot | turns/s (median) | × floor | × stock waterfall | invoke p50 | invoke p99 | p99 × floor's | CPU per turn | RSS after load | boot (wall / CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for p in procs:
        tps = statistics.median(p.tps)
        lat = p.clicks.latencies or [float("nan")]
        vs_floor = f"{tps / statistics.median(floor.tps):.2f}" if floor else "-"
        vs_stock = f"{tps / statistics.median(stock.tps):.2f}" if stock else "-"
        p99_ratio = f"{p99(lat) / p99(floor.clicks.latencies):.2f}" if floor else "-"
        print(f"| {NAMES[p.name]} | {tps:.0f} | {vs_floor} | {vs_stock} | {statistics.median(lat) * 1000:.0f} ms | "
              f"{p99(lat) * 1000:.0f} ms | {p99_ratio} | {statistics.median(p.cpu_ms):.1f} ms | {p.rss:.0f} MB | {p.boot:.2f} s / {p.boot_cpu:.2f} s |")  # fmt: skip
    for p in procs:
        rounds = ", ".join(f"{t:.0f}" for t in p.tps)
        print(
            f"  {p.name}: turns/s per round {rounds}; CPU ms per turn {', '.join(f'{c:.1f}' for c in p.cpu_ms)}"
        )
    for p in procs:
        if p.name != "waterfall":
            per_round = ", ".join(f"{c:.1f}" for c in p.click_cpu_ms)
            print(f"  {p.name}: CPU ms per click with its outbox work, per round: {per_round}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--cases", type=int, default=3, help="intakes per user per round")
    parser.add_argument("--invoke-cases", type=int, default=8, help="cases clicked through per round")
    parser.add_argument("--variants", nargs="+", default=list(NAMES)[:4], choices=list(NAMES))
    parser.add_argument(
        "--baseline", type=Path, help="a checkout whose bot.py runs as sqlite-base/redis-base"
    )
    parser.add_argument("--profile", choices=list(NAMES), help="py-spy record that bot (raw) meanwhile")
    parser.add_argument(
        "--clicks-only",
        action="store_true",
        help="for a steadier invoke p99: each round files only the --invoke-cases cases it clicks "
        "(one per user; its turns/s is not the intake figure), e.g. --invoke-cases 24 --rounds 8",
    )
    args = parser.parse_args()
    global BASELINE
    BASELINE = (args.baseline or ROOT).resolve()
    with tempfile.TemporaryDirectory(prefix="sid-bench-") as tmp:
        os.environ["BENCH_TMP"] = tmp
        procs = asyncio.run(run(args, Path(tmp)))
    report(procs, args)


if __name__ == "__main__":
    main()
