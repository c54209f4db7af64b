"""The per-user / per-conversation turn counters: capped, and forgotten once idle."""

from __future__ import annotations

from adapters.turn_limits import FixedWindows


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_count_resets_when_the_window_has_passed():
    clock = Clock()
    windows = FixedWindows(limit=3, window=60, clock=clock)
    assert [windows.hit("anna").count for _ in range(4)] == [1, 2, 3, 4]
    clock.now = 59.9
    assert windows.hit("anna").count == 5
    clock.now = 60.0
    assert windows.hit("anna").count == 1


def test_idle_entries_are_forgotten_so_memory_follows_active_users():
    clock = Clock()
    windows = FixedWindows(limit=3, window=60, clock=clock)
    for n in range(100_000):
        windows.hit(f"user-{n}")
    assert len(windows) == 100_000
    clock.now = 61
    windows.hit("someone-new")
    assert len(windows) == 1


def test_memory_is_capped_even_when_every_entry_is_fresh():
    windows = FixedWindows(limit=3, window=60, max_keys=1_000, clock=Clock())
    for n in range(5_000):
        windows.hit(f"user-{n}")
    assert len(windows) <= 1_000
