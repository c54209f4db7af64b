"""The suite's time limit per test phase (tests/support/watchdog.py): a hang fails its test with a
dump of the threads and asyncio tasks, or at worst ends the run, instead of eating CI's 90 min."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HANGING = """
import asyncio
import time

import pytest


@pytest.fixture
async def stuck():
    yield
    await asyncio.Event().wait()  # a finalizer that never ends, the loop idle


async def test_passes_but_its_teardown_hangs(stuck):
    pass


def test_runs_after_it():
    pass


def test_blocks_in_sync_code():
    time.sleep(600)
"""


def run_pytest(tmp_path: Path, test: str, *, grace: float) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_hanging.py").write_text(HANGING)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TEST_TIMEOUT_SECONDS": "1",
        "TEST_TIMEOUT_GRACE_SECONDS": str(grace),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.support.watchdog", "-p", "no:cacheprovider"]
    command += ["-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"]
    command += ["-k", test, "test_hanging.py"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_a_hanging_async_teardown_fails_with_the_tasks_and_the_run_goes_on(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "teardown_hangs or runs_after", grace=30)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 passed, 1 deselected, 1 error" in result.stdout
    assert "test_passes_but_its_teardown_hangs (teardown) still running after 1 s" in result.stdout
    assert "=== asyncio tasks ===" in result.stdout
    assert "in stuck" in result.stdout  # where the finalizer waits
    assert "=== threads ===" in result.stdout


def test_a_phase_that_cannot_be_cancelled_ends_the_run_with_the_dump(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "blocks_in_sync_code", grace=1)
    assert result.returncode == 124, result.stdout + result.stderr
    assert "did not end 1 s after its tasks were cancelled; exiting" in result.stderr
    assert "in test_blocks_in_sync_code" in result.stderr
