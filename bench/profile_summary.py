"""Where the time goes in a py-spy raw profile (`py-spy record -f raw`, or `bench_turns.py --profile`).

    .venv/bin/python bench/profile_summary.py bench/profile-sqlite.txt

Prints, per thread kind, the share of samples whose stack passes through each of the costs the
issue named (inclusive), and the frames most often on top of the stack (self time).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# (label, any of these substrings in a frame)
COSTS = [
    (
        "sqlite commit / write transaction",
        ("SqliteDatabase._transaction", "_transaction (adapters/sqlite_db"),
    ),
    ("sqlite (any store call on its threads)", ("sqlite_db.py", "sqlite_reader.py")),
    ("jsonpickle (state hash + flatten + restore)", ("jsonpickle/",)),
    ("botbuilder BotState change hash", ("compute_hash",)),
    ("bot state load / save (whole)", ("BotState.load", "BotState.save_changes", "save_state", "load_state")),
    ("msrest serialise / deserialise", ("msrest/serialization.py",)),
    ("dialogs (botbuilder.dialogs)", ("dialogs/dialog_context.py", "dialogs/component_dialog.py")),
    ("identity guard", ("identity_guard.py",)),
    ("connector client build (msrest/requests)", ("_connector_factory_impl.py",)),
    ("outbox worker", ("outbox_worker.py",)),
    ("aiohttp server", ("web_protocol.py",)),
]


IDLE = ("_worker (concurrent/futures/thread.py", "select (selectors.py", "Condition.wait (threading.py")


def _function(frame: str) -> str:
    """'fn (path/file.py:123)' without the line number."""
    return frame.rsplit(":", 1)[0] + ")" if frame.endswith(")") else frame


def main(path: str) -> None:
    stacks: Counter[str] = Counter()
    idle = 0
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        if stack.rsplit(";", 1)[-1].startswith(IDLE):
            idle += int(count)  # a thread waiting for work, not spending CPU
            continue
        stacks[stack] += int(count)
    total = sum(stacks.values())
    print(f"{total} busy samples ({idle} idle ones left out)")
    for label, needles in COSTS:
        hits = sum(n for s, n in stacks.items() if any(needle in s for needle in needles))
        print(f"  {100 * hits / total:5.1f} %  {label}")
    inclusive: Counter[str] = Counter()
    for stack, n in stacks.items():
        for function in {_function(frame) for frame in stack.split(";")}:
            inclusive[function] += n
    print("inclusive, by function:")
    for function, n in inclusive.most_common(70):
        print(f"  {100 * n / total:5.1f} %  {function}")
    tops: Counter[str] = Counter()
    for stack, n in stacks.items():
        tops[stack.rsplit(";", 1)[-1]] += n
    print("top of stack:")
    for frame, n in tops.most_common(25):
        print(f"  {100 * n / total:5.1f} %  {frame}")


if __name__ == "__main__":
    main(sys.argv[1])
