"""Fixtures for the browser E2E tests (`make e2e` = `pytest -m e2e tests/e2e`).

Per test: a fresh bot (own port, temporary DATA_DIR), a Playground pointing at it, and a
headless Debian chromium with a new profile (`stack` lets a test choose the bot's settings and
open one such UI per person). Everything a failure needs is written to
`tests/e2e/artifacts/<test>/`: numbered screenshots of each step (`NN-step.png`, or
`NN-<person>-step.png` with several UIs, and `NN-failed-<step>.png` at the step that failed),
`bot.log`, `playground*.log`, `playground*-devtools.log`, `page*.html` and `ws-frames*.json`
(what the bot sent).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Playwright, sync_playwright

from tests.e2e.playground import ARTIFACTS, CHROMIUM, PLAYGROUND_BIN, Playground, Stack, reset_dir

FAILED = pytest.StashKey[bool]()
ARTIFACT_DIR = pytest.StashKey[Path]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        item.stash[FAILED] = True
        if ARTIFACT_DIR in item.stash:
            report.sections.append(("e2e artifacts", str(item.stash[ARTIFACT_DIR])))
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    missing = [str(p) for p in (Path(CHROMIUM), PLAYGROUND_BIN) if not p.exists()]
    if missing:
        pytest.fail(
            f"E2E prerequisites missing: {', '.join(missing)} — `apt-get install chromium` and "
            "`cd deployment/playground && npm ci` (make e2e does the npm part)",
            pytrace=False,
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture
def e2e_artifacts(request: pytest.FixtureRequest) -> Path:
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    path = reset_dir(ARTIFACTS / name)
    request.node.stash[ARTIFACT_DIR] = path
    return path


@pytest.fixture
def stack(
    request: pytest.FixtureRequest, playwright: Playwright, e2e_artifacts: Path, tmp_path: Path
) -> Iterator[Stack]:
    """Nothing started yet: the test starts the bot (with its settings) and opens the UIs."""
    started = Stack(playwright, e2e_artifacts, tmp_path)
    try:
        yield started
    finally:
        started.close(failed=request.node.stash.get(FAILED, False))


@pytest.fixture
def playground(stack: Stack) -> Playground:
    """The bot (default settings) + Playground + browser, with the page open on the personal chat."""
    stack.start_bot()
    return stack.open_ui()
