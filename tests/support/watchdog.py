"""A time limit per test phase (setup, call, teardown): a hang fails its test with a dump of every
thread and asyncio task instead of eating CI's 90 minutes (pytest-timeout is not a dependency).

When a phase runs past the limit, a watchdog thread takes the dump, then cancels every task of the
event loop the main thread is running, so the phase fails (its report carries the dump) and the
run goes on. If the phase still has not ended `grace` seconds later (a call blocking the loop, or a
task that ignores cancellation), it writes the dump to the terminal and ends the process.
`kill -USR1 <pytest pid>` writes the same dump to `pytest-dump-<pid>.txt` in the temp directory.

A pytest plugin: tests/conftest.py imports its hooks. TEST_TIMEOUT_SECONDS (default 300; 0 = off,
e.g. under a debugger) and TEST_TIMEOUT_GRACE_SECONDS (default 30) set the limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest


def _thread_stacks() -> str:
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    return "\n".join(
        f"--- thread {names.get(ident, ident)}\n" + "".join(traceback.format_stack(frame, limit=25))
        for ident, frame in sys._current_frames().items()
        if ident != threading.get_ident()  # not the watchdog itself
    )


def _frame_of(awaitable: Any) -> tuple[FrameType | None, Any]:
    """The frame of a coroutine, generator or async generator, and what it awaits in turn."""
    for frame_attr, await_attr in (
        ("cr_frame", "cr_await"),
        ("ag_frame", "ag_await"),
        ("gi_frame", "gi_yieldfrom"),
    ):
        if hasattr(awaitable, frame_attr):
            return getattr(awaitable, frame_attr), getattr(awaitable, await_attr)
    # An async generator's asend()/athrow() (an async fixture's teardown): look at its generator.
    generator = next((ref for ref in gc.get_referents(awaitable) if hasattr(ref, "ag_frame")), None)
    if generator is not None:
        return generator.ag_frame, generator.ag_await
    return None, None


def _awaiting(coro: Any) -> list[str]:
    """The chain of awaits a suspended coroutine is in, innermost last, and what it waits for."""
    lines = []
    while coro is not None:
        frame, inner = _frame_of(coro)
        if frame is None:  # a future (seen through its iterator), or something else awaitable
            future = next((ref for ref in gc.get_referents(coro) if isinstance(ref, asyncio.Future)), coro)
            lines.append(f"    awaiting {future!r}"[:300])
            break
        lines.append(f'  File "{frame.f_code.co_filename}", line {frame.f_lineno}, in {frame.f_code.co_name}')
        coro = inner
    return lines


def task_stacks(loop: asyncio.AbstractEventLoop | None) -> str:
    if loop is None:
        return "(no event loop running in the main thread)"
    tasks = asyncio.all_tasks(loop)
    return (
        "\n".join(f"--- {task!r}"[:300] + "\n" + "\n".join(_awaiting(task.get_coro())) for task in tasks)
        or "(no pending tasks)"
    )


def _loop_in(frame: FrameType | None) -> asyncio.AbstractEventLoop | None:
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, asyncio.AbstractEventLoop) and candidate.is_running():
            return candidate
        frame = frame.f_back
    return None


def dump(reason: str) -> str:
    loop = _loop_in(sys._current_frames().get(threading.main_thread().ident or 0))
    return f"{reason}\n\n=== threads ===\n{_thread_stacks()}\n\n=== asyncio tasks ===\n{task_stacks(loop)}\n"


def dump_file() -> Path:
    return Path(tempfile.gettempdir()) / f"pytest-dump-{os.getpid()}.txt"


def install_dump_signal() -> None:
    """SIGUSR1 writes the dump to `dump_file()` (capture-proof; look at a hang from outside)."""
    if hasattr(signal, "SIGUSR1") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGUSR1, lambda *_: dump_file().write_text(dump("SIGUSR1")))


class Watchdog:
    def __init__(self, seconds: float, grace: float, on_exit: Any) -> None:
        self.seconds = seconds
        self.grace = grace
        self._on_exit = on_exit  # writes a text where the person running the tests sees it

    @contextmanager
    def phase(self, name: str) -> Iterator[dict[str, str]]:
        """Yields a dict that holds the dump under "dump" if the limit was hit."""
        fired: dict[str, str] = {}
        if self.seconds <= 0:
            yield fired
            return
        done = threading.Event()
        main = threading.main_thread().ident or 0
        watcher = threading.Thread(
            target=self._watch, args=(name, done, main, fired), name="test-watchdog", daemon=True
        )
        watcher.start()
        try:
            yield fired
        finally:
            done.set()
            watcher.join()

    def _watch(self, name: str, done: threading.Event, main: int, fired: dict[str, str]) -> None:
        if done.wait(self.seconds):
            return
        fired["dump"] = dump(f"{name} still running after {self.seconds:.0f} s (test watchdog)")
        loop = _loop_in(sys._current_frames().get(main))
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # closed in between
                loop.call_soon_threadsafe(_cancel_all, loop)
        if done.wait(self.grace):
            return
        text = dump(f"{name} did not end {self.grace:.0f} s after its tasks were cancelled; exiting")
        dump_file().write_text(fired["dump"] + "\n\n" + text)
        self._on_exit(fired["dump"] + "\n\n" + text)
        os._exit(124)


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    for task in asyncio.all_tasks(loop):
        task.cancel("test watchdog: time limit")


WATCHDOG = pytest.StashKey[Watchdog]()
FIRED = pytest.StashKey[dict[str, str]]()


def pytest_configure(config: pytest.Config) -> None:
    def to_terminal(text: str) -> None:
        capture = config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(in_=False)
        sys.stderr.write(text)
        sys.stderr.flush()

    seconds = float(os.environ.get("TEST_TIMEOUT_SECONDS", "300"))
    grace = float(os.environ.get("TEST_TIMEOUT_GRACE_SECONDS", "30"))
    config.stash[WATCHDOG] = Watchdog(seconds, grace, on_exit=to_terminal)
    install_dump_signal()


def _guarded(item: pytest.Item, phase: str) -> Generator[None, Any, Any]:
    with item.config.stash[WATCHDOG].phase(f"{item.nodeid} ({phase})") as fired:
        try:
            return (yield)
        finally:
            if fired:
                item.stash[FIRED] = fired


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _guarded(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _guarded(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, Any, Any]:
    return (yield from _guarded(item, "teardown"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    fired = item.stash.get(FIRED, None)
    if fired:
        del item.stash[FIRED]
        report.outcome = "failed"
        report.longrepr = f"{fired['dump']}\n=== what the phase raised ===\n{report.longrepr}"
    return report
