"""The container as built from deployment/Dockerfile, checked without a container daemon.

No base images can be pulled here, so the image's *command line* is run instead: the exact
ENTRYPOINT/CMD parsed from the Dockerfile, with the Dockerfile's ENV, in the repository, on the
runtime-only virtualenv `make test` builds (.venv-run: the same hashed lock the image installs).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "deployment" / "Dockerfile"
RUN_VENV = REPO / ".venv-run"
DEV_ONLY = ("pytest", "mypy", "playwright", "ruff", "hypothesis", "checkov", "jsonschema", "pip-tools")
# Libraries only the tests use (holidays checks domain/swedish_holidays.py): not in the runtime
# lock, and never imported by the bot, even where an older .venv-run still has them installed.
TEST_ONLY_LIBRARIES = ("holidays", "dateutil")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    pairs = [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]
    last_from = max(i for i, (op, _) in enumerate(pairs) if op == "FROM")
    return pairs[last_from:]


def image_command() -> list[str]:
    args: dict[str, list[str]] = {}
    for op, rest in instructions():
        if op in ("ENTRYPOINT", "CMD"):
            args[op] = json.loads(rest)  # exec form only: signals reach the bot, not a shell
    return args.get("ENTRYPOINT", []) + args.get("CMD", [])


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for op, rest in instructions():
        if op == "ENV":
            for part in shlex.split(rest):
                name, value = part.split("=", 1)
                env[name] = value
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(env_overrides: dict[str, str], tmp_path: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    assert (RUN_VENV / "bin" / "python").exists(), "no .venv-run: `make test` (or `make run`) builds it"
    env = {k: v for k, v in image_env().items() if k != "PATH"}
    env.update(DATA_DIR=str(tmp_path / "data"), **env_overrides)
    # The image's PATH puts its venv first; here the runtime-only venv plays that part.
    env["PATH"] = f"{RUN_VENV / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    process = subprocess.Popen(
        image_command(), cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return process, env


def get_json(url: str, deadline: float) -> dict[str, object]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: dict[str, object] = json.load(response)
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_image_command_with_credentials_serves_healthz_and_stops_on_sigterm(tmp_path):
    port = free_port()
    credentials = {
        "MicrosoftAppId": "11111111-2222-4333-8444-555555555555",
        "MicrosoftAppType": "UserAssignedMSI",  # the Bicep's bot identity: no client secret
        "MicrosoftAppTenantId": "tenant-rvn",
        "ALLOWED_TENANT_IDS": "tenant-rvn",
    }
    # 127.0.0.1 instead of the image's 0.0.0.0: a test never listens on the machine's network.
    process, env = start({**credentials, "HOST": "127.0.0.1", "PORT": str(port)}, tmp_path)
    try:
        body = get_json(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        assert body["status"] == "ok" and body["mode"] == "authenticated"
        assert "version" not in body  # unauthenticated: the version is on /metrics (with the token)
        # The HEALTHCHECK's own command, run as the image would run it.
        healthcheck = json.loads(dict(instructions())["HEALTHCHECK"].split(" CMD ", 1)[1])
        assert subprocess.run(healthcheck, env=env, cwd=REPO, timeout=20).returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert all(json.loads(line) for line in output.splitlines() if line.strip()), (
        "LOG_FORMAT=json: JSON lines"
    )


def test_the_image_refuses_to_start_without_credentials_because_it_binds_all_interfaces(tmp_path):
    assert image_env()["HOST"] == "0.0.0.0"
    process, _ = start({"PORT": str(free_port())}, tmp_path)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "HOST=0.0.0.0" in output and "loopback" in output


def test_the_final_stage_runs_as_a_non_root_user_with_a_healthcheck():
    ops = dict(instructions())
    assert ops["USER"].split(":")[0] not in ("0", "root")
    assert "/healthz" in ops["HEALTHCHECK"]
    assert ops["FROM"].startswith("python:3.11-slim")


def test_the_image_installs_the_runtime_lock_only_with_hashes():
    text = DOCKERFILE.read_text()
    installs = re.findall(r"pip install[^\n]*", text)
    assert installs and all("--require-hashes -r requirements.lock" in line for line in installs)
    assert "requirements-dev" not in text and "requirements-checks" not in text


def test_the_runtime_lock_pins_every_package_with_a_hash_and_holds_no_dev_tool():
    for lock in ("requirements.lock", "requirements-dev.lock", "requirements-checks.lock"):
        entries = re.split(r"\n(?=[A-Za-z])", (REPO / lock).read_text().split("\n\n", 1)[-1].strip())
        pins = [e for e in entries if not e.startswith("#")]
        assert pins, lock
        for entry in pins:
            assert re.match(r"^[A-Za-z0-9_.-]+==\S+", entry), f"{lock}: not pinned: {entry.splitlines()[0]}"
            assert "--hash=sha256:" in entry, f"{lock}: no hash for {entry.splitlines()[0]}"
    runtime = {
        line.split("==")[0].lower()
        for line in (REPO / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    assert not runtime & {*DEV_ONLY, "holidays", "python-dateutil"}


def test_the_runtime_venv_has_no_test_or_lint_tools():
    site = next((RUN_VENV / "lib").glob("python3*/site-packages"))
    installed = {p.name.split("-")[0].lower().replace("_", "-") for p in site.glob("*.dist-info")}
    assert "botbuilder-core" in installed or "botbuilder_core" in installed
    assert not installed & set(DEV_ONLY), installed & set(DEV_ONLY)


# Starts the app as bot.main() does (startup hooks included), on the SQLite file, and lists what
# got imported: a test-only library, or redis-py on a bot that does not use Redis, would be memory
# every deployment pays for (issue 17: RSS).
STARTUP = """
import asyncio, datetime, json, sys
from aiohttp import web
import bot, config
from domain.business_time import BusinessCalendar

async def main():
    runner = web.AppRunner(bot.create_app(config.load_settings()))
    await runner.setup()
    BusinessCalendar().is_working_day(datetime.date.today())
    print(json.dumps(sorted(sys.modules)))
    await runner.cleanup()

asyncio.run(main())
"""


def test_a_started_bot_on_sqlite_imports_no_test_only_library_and_no_redis(tmp_path):
    env = {**os.environ, "DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [str(RUN_VENV / "bin" / "python"), "-c", STARTUP],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    imported = {name.split(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}
    assert {"botbuilder", "sqlite3", "adapters"} <= imported
    assert not imported & {*TEST_ONLY_LIBRARIES, "redis"}


def dockerignored(relative: str) -> bool:
    """Docker's rule, simplified to what .dockerignore uses: a pattern matches the path or a parent."""
    patterns = [p for p in (REPO / ".dockerignore").read_text().split() if not p.startswith("#")]
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(
        fnmatch.fnmatch(prefix, pattern.removeprefix("**/")) or fnmatch.fnmatch(prefix, pattern)
        for pattern in patterns
        for prefix in prefixes + parts
    )


def test_every_module_the_bot_imports_is_in_the_build_context():
    code = "import json, sys, bot; print(json.dumps([getattr(m, '__file__', None) for m in list(sys.modules.values())]))"
    result = subprocess.run(
        [str(RUN_VENV / "bin" / "python"), "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    ours = sorted(
        str(Path(f).resolve().relative_to(REPO))
        for f in json.loads(result.stdout)
        if f
        and Path(f).resolve().is_relative_to(REPO)
        and not Path(f).resolve().is_relative_to(RUN_VENV.resolve())
    )
    assert "bot.py" in ours and any(f.startswith("adapters/") for f in ours)
    assert [f for f in ours if dockerignored(f)] == []


def test_dockerignore_keeps_secrets_local_data_and_dev_files_out_of_the_image():
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "data", "tests", "deployment"} <= ignored
    assert all(dockerignored(path) for path in (".env", "data/skyddad-id.sqlite3", "tests/conftest.py"))


def test_hadolint_is_a_real_check_it_flags_a_careless_dockerfile(tmp_path):
    hadolint = REPO / ".venv-checks" / "bin" / "hadolint"
    assert hadolint.exists(), "no .venv-checks: `make test` builds it"
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN pip install requests\nCMD python bot.py\n")
    result = subprocess.run([str(hadolint), str(careless)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DL3007" in result.stdout and "DL3013" in result.stdout  # :latest, unpinned pip
    clean = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0, clean.stdout
