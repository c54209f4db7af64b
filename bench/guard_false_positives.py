"""Measure what the identity guard wrongly refuses: look-alike families, random instances.

Run from the repository root: `.venv/bin/python bench/guard_false_positives.py [OLD_GUARD.py]`.
Each family is 20,000 seeded random instances inside a sentence; the table gives the share the
guard flags. With a path to another version of `domain/identity_guard.py` (e.g. from
`git show REV:domain/identity_guard.py > /tmp/old.py`) both columns are printed side by side.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.identity_guard import contains_identity_number

COUNT = 20_000
START = datetime(1990, 1, 1)  # noqa: DTZ001 - only formatted, never compared


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def moment(rng: random.Random) -> datetime:
    return START + timedelta(minutes=rng.randrange(45 * 365 * 24 * 60))


FAMILIES: list[tuple[str, Callable[[random.Random], str]]] = [
    ("ISO date, space, 4 digits (`2026-11-30 1430`)", lambda r: f"{moment(r):%Y-%m-%d} {digits(r, 4)}"),
    ("ISO date, dash, 4 digits (`2026-11-30-0012`)", lambda r: f"{moment(r):%Y-%m-%d}-{digits(r, 4)}"),
    ("ISO date, slash, 4 digits (`2026-11-30/0012`)", lambda r: f"{moment(r):%Y-%m-%d}/{digits(r, 4)}"),
    ("date `DD.MM.YY`, space, 4 digits", lambda r: f"{moment(r):%d.%m.%y} {digits(r, 4)}"),
    ("compact timestamp `YYYYMMDDHHMM`", lambda r: f"{moment(r):%Y%m%d%H%M}"),
    ("file-name timestamp `YYYYMMDD_HHMM`", lambda r: f"{moment(r):%Y%m%d_%H%M}"),
    ("6 digits `.` 4 digits (`123456.7890`)", lambda r: f"{digits(r, 6)}.{digits(r, 4)}"),
    ("6 digits, space, 4 digits (`123456 7890`)", lambda r: f"{digits(r, 6)} {digits(r, 4)}"),
    ("6 digits, dash, 4 digits (`123456-7890`)", lambda r: f"{digits(r, 6)}-{digits(r, 4)}"),
    (
        "2-2-2-4 digit groups (`12 34 56 7890`)",
        lambda r: " ".join([digits(r, 2), digits(r, 2), digits(r, 2), digits(r, 4)]),
    ),
    ("10 digits in pairs (`12 34 56 78 90`)", lambda r: " ".join(digits(r, 2) for _ in range(5))),
    ("phone `08 12 34 56 78` (spaces only)", lambda r: "08 " + " ".join(digits(r, 2) for _ in range(4))),
    ("phone `08-12 34 56 78`", lambda r: "08-" + " ".join(digits(r, 2) for _ in range(4))),
    ("phone `0611-12 34 56`", lambda r: f"06{r.randint(10, 99)}-" + " ".join(digits(r, 2) for _ in range(3))),
    ("phone `0701-23 45 67`", lambda r: f"070{r.randint(0, 9)}-" + " ".join(digits(r, 2) for _ in range(3))),
    (
        "phone `070-123 45 67`",
        lambda r: f"07{r.choice('02369')}-{digits(r, 3)} {digits(r, 2)} {digits(r, 2)}",
    ),
    ("mobile, unformatted (`0701234567`)", lambda r: f"07{r.choice('02369')}{digits(r, 7)}"),
    ("ISO date and time (`2026-11-30 14:30`)", lambda r: f"{moment(r):%Y-%m-%d %H:%M}"),
    (
        "organisation number (`556016-0680`)",
        lambda r: f"{r.choice(['55', '80', '71'])}{r.randint(20, 99)}{digits(r, 2)}-{digits(r, 4)}",
    ),
]


def load(path: str) -> Callable[[str], bool]:
    spec = importlib.util.spec_from_file_location("other_guard", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    scan: Callable[[str], bool] = module.contains_identity_number
    return scan


def share(scan: Callable[[str], bool], make: Callable[[random.Random], str]) -> float:
    rng = random.Random(20261130)
    return sum(scan(f"Se {make(rng)} i ärendet.") for _ in range(COUNT)) / COUNT


def main() -> None:
    other = load(sys.argv[1]) if len(sys.argv) > 1 else None
    print(f"{COUNT} seeded instances per family, share flagged")
    header = f"| family | {'other | ' if other else ''}this guard |"
    print(header)
    for name, make in FAMILIES:
        before = f"{share(other, make):.1%} | " if other else ""
        print(f"| {name} | {before}{share(contains_identity_number, make):.1%} |")


if __name__ == "__main__":
    main()
