"""bench_scale.py's figures: one measure per step and size, a line each as it runs, and a
Markdown table per store at the end (each size's figures and the ratio to the smallest)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Measure:
    ms: float  # per item for the sweep, per call otherwise
    stall_ms: float  # wall clock
    cpu_stall_ms: float  # the loop thread's CPU between two ticks
    gc_ms: float  # the longest garbage collection
    redis_ms: float | None  # longest single Redis command or script
    redis_command: str = ""  # which
    round_trips: float | None = None  # store round trips per item (sweep)


@dataclass
class SizeResult:
    size: int
    populate_s: float
    measures: dict[str, Measure] = field(default_factory=dict)


def describe(m: Measure) -> str:
    parts = [
        f"{m.ms:8.2f} ms",
        f"loop stall {m.stall_ms:5.1f} ms (CPU {m.cpu_stall_ms:4.1f}, GC {m.gc_ms:4.1f})",
    ]
    if m.redis_ms is not None:
        parts.append(f"redis {m.redis_ms:5.2f} ms ({m.redis_command})")
    if m.round_trips is not None:
        parts.append(f"{m.round_trips:.2f} round trips/item")
    return ", ".join(parts)


def table(store: str, results: list[SizeResult]) -> str:
    """Markdown: per measure, each size's figures and the ratio to the smallest size."""
    small = results[0]
    head = (
        "| measure | "
        + " | ".join(f"{r.size:,} open" for r in results)
        + f" | ratio {results[-1].size:,} / {small.size:,} |"
    )
    lines = [f"**{store}**", "", head, "|---" * (len(results) + 2) + "|"]
    for name in small.measures:
        if name.startswith("nothing"):
            continue
        unit = "ms/item" if name == "sweep" else "ms"
        cells = [f"{r.measures[name].ms:.2f} {unit}" for r in results]
        ratio = results[-1].measures[name].ms / small.measures[name].ms
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} |")
    extra: list[tuple[str, Callable[[SizeResult], str]]] = [
        ("sweep: round trips / item", lambda r: f"{r.measures['sweep'].round_trips or 0:.2f}"),
        ("longest loop stall, wall clock", _stalls),
        ("longest loop stall, its CPU", _cpu_stalls),
        ("longest garbage collection", _gc_pauses),
        ("longest Redis command", _redis_cell),
        ("populating, cumulative", lambda r: f"{r.populate_s:.0f} s"),
    ]
    for label, get in extra:
        lines.append(f"| {label} | " + " | ".join(get(r) for r in results) + " | |")
    return "\n".join(lines)


def _stalls(result: SizeResult) -> str:
    """Each measure's longest stall (wall clock), in table order; the noise floor last."""
    measures = list(result.measures.items())
    work = [f"{m.stall_ms:.1f}" for name, m in measures if not name.startswith("nothing")]
    floor = [f"{m.stall_ms:.1f}" for name, m in measures if name.startswith("nothing")]
    return " / ".join(work) + f" ms (floor {floor[0]})"


def _cpu_stalls(result: SizeResult) -> str:
    measures = [m for name, m in result.measures.items() if not name.startswith("nothing")]
    return " / ".join(f"{m.cpu_stall_ms:.1f}" for m in measures) + " ms"


def _gc_pauses(result: SizeResult) -> str:
    measures = [m for name, m in result.measures.items() if not name.startswith("nothing")]
    return " / ".join(f"{m.gc_ms:.1f}" for m in measures) + " ms"


def _redis_cell(result: SizeResult) -> str:
    worst = [m.redis_ms for m in result.measures.values() if m.redis_ms is not None]
    return f"{max(worst):.2f} ms" if worst else "–"
