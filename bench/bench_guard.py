"""Benchmark the identity guard: cost per chat message and throughput per MB of text.

Run from the repository root: `.venv/bin/python bench/bench_guard.py`. The corpus is 1,000
synthetic Swedish chat messages (seeded, so runs are comparable); about one in eight holds a
synthetic identity number with a computed check digit, others hold phone numbers, dates, ticket
numbers and emoji, so every path of the guard (ASCII, Swedish letters, Unicode folding) is timed.
"""

from __future__ import annotations

import importlib.util
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.identity_guard import contains_identity_number, find_identity_numbers, redact

REPEATS = 7
OPENINGS = ["Hej!", "Hej,", "God morgon.", "Hallå!", "Hej igen –", "Tack för svaret.", ""]
SENTENCES = [
    "Patienten har skyddad identitet och vårdtillfället pågår på avdelning {n}.",
    "Kan ni ta bort adressen i LifeCare innan remissen skickas?",
    "Jag ringde upp handläggaren kl. {hh}:{mm} men fick inget svar.",
    "Ärendet finns i ServiceNow som INC00{n5}, se kommentaren där.",
    "Ring mig på 070-{n3} {n2} {n2b} om något är oklart.",
    "Beslutet från Skatteverket kom {date}, det ligger i journalen.",
    "Vårdtillfälle-ID {n6} gäller, inte det gamla.",
    "Överflyttad till Örnsköldsvik sedan {date}. 🙂",
    "Leverantören bekräftade ändringen, ärende SID-2026-{n4}.",
    "Kommunen har skickat vidare från socialtjänsten i Sundsvall.",
    "Åsa på kirurgen tar över under semestern.",
    "Fakturan på {n3} {n3b},00 kr gäller inte det här ärendet.",
    "Tack för hjälpen, vi hörs imorgon! 👩‍⚕️",
]
NUMBER_SENTENCES = [
    "Personnummer {pnr} står i remissen, hur gör vi?",
    "Det gäller pnr:{pnr}.",
    "Samordningsnummer {pnr} – är det rätt?",
    "Patienten ({pnr}) har flyttat.",
]


def luhn_digit(nine: str) -> str:
    total = 0
    for position, char in enumerate(nine):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def synthetic_number(rng: random.Random) -> str:
    day = rng.randint(1, 28) + (60 if rng.random() < 0.3 else 0)
    date = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{day:02d}"
    serial = f"{rng.randint(0, 999):03d}"
    ten = date + serial + luhn_digit(date + serial)
    return rng.choice([f"{ten[:6]}-{ten[6:]}", ten, f"19{ten}", f"{ten[:6]}\u2013{ten[6:]}"])


def message(rng: random.Random) -> str:
    fields = {
        "n": rng.randint(1, 40),
        "n2": f"{rng.randint(0, 99):02d}",
        "n2b": f"{rng.randint(0, 99):02d}",
        "n3": rng.randint(100, 999),
        "n3b": rng.randint(100, 999),
        "n4": f"{rng.randint(1, 9999):04d}",
        "n5": f"{rng.randint(0, 99999):05d}",
        "n6": rng.randint(100000, 999999),
        "hh": f"{rng.randint(7, 17):02d}",
        "mm": f"{rng.randint(0, 59):02d}",
        "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }
    parts = [rng.choice(OPENINGS)]
    parts += [rng.choice(SENTENCES).format(**fields) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.125:
        parts.insert(
            rng.randint(1, len(parts)), rng.choice(NUMBER_SENTENCES).format(pnr=synthetic_number(rng))
        )
    return " ".join(part for part in parts if part)


def median_seconds(run: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def scan_all(scan: Callable[[str], object], corpus: list[str]) -> None:
    for text in corpus:
        scan(text)


DIGIT_HEAVY = [
    "Ring 070-{n3} {n2} {n2b} eller 0611-{n2} {n2b} {n2c}, fax 08-{n2} {n2b} {n2c} {n2}.",
    "Möte {date} {hh}:{mm}-{hh}:30, rum {n3}, dnr {date}/{n4}, org.nr 5560{n2}-{n4}.",
    "Tider: {date} {hh}{mm}, {date} {hh}.{mm}, {n2}.{n2b}.{n2c} {n4}, INC00{n5}, SID-2026-{n4}.",
]


def digit_heavy(rng: random.Random) -> str:
    """A message made of phone numbers, dates, times and reference numbers: the guard's worst
    case, since every digit group starts a candidate."""
    fields = {
        "n2": f"{rng.randint(0, 99):02d}",
        "n2b": f"{rng.randint(0, 99):02d}",
        "n2c": f"{rng.randint(0, 99):02d}",
        "n3": rng.randint(100, 999),
        "n4": f"{rng.randint(1, 9999):04d}",
        "n5": f"{rng.randint(0, 99999):05d}",
        "hh": f"{rng.randint(7, 17):02d}",
        "mm": f"{rng.randint(0, 59):02d}",
        "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }
    return " ".join(rng.choice(DIGIT_HEAVY).format(**fields) for _ in range(2))


Scans = tuple[Callable[[str], object], Callable[[str], object], Callable[[str], object]]


def measure(
    scans: Scans, corpus: list[str], heavy: list[str], megabytes: list[tuple[str, str]]
) -> list[float]:
    """One value per row of `LABELS`."""
    find = scans[0]
    values = [median_seconds(partial(scan_all, scan, corpus)) / len(corpus) * 1e6 for scan in scans]
    long_ones = [text for text in corpus if 150 <= len(text) <= 250]
    values.append(median_seconds(partial(scan_all, find, long_ones)) / len(long_ones) * 1e6)
    values.append(median_seconds(partial(scan_all, find, heavy)) / len(heavy) * 1e6)
    for _, text in megabytes:
        size = len(text.encode()) / 1e6
        seconds = median_seconds(partial(find, text))
        values += [seconds / size * 1e3, size / seconds]
    return values


LABELS = [
    ("find_identity_numbers, per message", "µs"),
    ("contains_identity_number, per message", "µs"),
    ("redact, per message", "µs"),
    ("find_identity_numbers, per 150-250 char message", "µs"),
    ("find_identity_numbers, per digit-heavy message", "µs"),
    ("find_identity_numbers, 1 MB Swedish text", "ms/MB"),
    ("  throughput, Swedish text", "MB/s"),
    ("find_identity_numbers, 1 MB ASCII only", "ms/MB"),
    ("  throughput, ASCII only", "MB/s"),
]


def load_scans(path: str) -> Scans:
    """Another version of the guard (e.g. `git show REV:domain/identity_guard.py > old.py`)."""
    spec = importlib.util.spec_from_file_location("other_guard", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.find_identity_numbers, module.contains_identity_number, module.redact


def main() -> None:
    rng = random.Random(20261125)
    corpus = [message(rng) for _ in range(1_000)]
    heavy = [digit_heavy(rng) for _ in range(300)]
    with_numbers = sum(contains_identity_number(text) for text in corpus)
    mean_chars = sum(map(len, corpus)) / len(corpus)
    megabyte = "\n".join(corpus)
    while len(megabyte.encode()) < 1_000_000:
        megabyte += "\n" + megabyte
    megabyte = megabyte.encode()[:1_000_000].decode(errors="ignore")
    ascii_megabyte = megabyte.encode("ascii", errors="ignore").decode()
    megabytes = [("Swedish text", megabyte), ("ASCII only", ascii_megabyte)]

    this: Scans = (find_identity_numbers, contains_identity_number, redact)
    versions = {"this": this}
    if len(sys.argv) > 1:  # compare: alternate the versions so both see the same machine load
        versions = {"other": load_scans(sys.argv[1]), "this": this}
    rounds: dict[str, list[list[float]]] = {name: [] for name in versions}
    for _ in range(3):
        for name, scans in versions.items():
            rounds[name].append(measure(scans, corpus, heavy, megabytes))

    print(f"Python {platform.python_version()} on {platform.machine()}, median of {REPEATS} runs x 3 rounds")
    print(f"corpus: {len(corpus)} messages, mean {mean_chars:.0f} chars, {with_numbers} hold a number")
    print(f"{'measure':<50} " + " ".join(f"{name + ' (3 rounds)':>26}" for name in versions))
    for row, (label, unit) in enumerate(LABELS):
        cells = [" / ".join(f"{r[row]:.1f}" for r in rounds[name]) for name in versions]
        print(f"{label:<50} " + " ".join(f"{cell:>26}" for cell in cells) + f" {unit}")


if __name__ == "__main__":
    main()
