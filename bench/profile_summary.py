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
    ("sqlite (any store call on its thread)", ("sqlite_db.py",)),
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


def main(path: str) -> None:
    stacks: Counter[str] = Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    total = sum(stacks.values())
    print(f"{total} samples")
    for label, needles in COSTS:
        hits = sum(n for s, n in stacks.items() if any(needle in s for needle in needles))
        print(f"  {100 * hits / total:5.1f} %  {label}")
    tops: Counter[str] = Counter()
    for stack, n in stacks.items():
        tops[stack.rsplit(";", 1)[-1]] += n
    print("top of stack:")
    for frame, n in tops.most_common(25):
        print(f"  {100 * n / total:5.1f} %  {frame}")


if __name__ == "__main__":
    main(sys.argv[1])
