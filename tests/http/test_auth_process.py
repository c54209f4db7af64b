"""The real `bot.py` process with a hanging key host: it keeps serving and stops on SIGTERM.

Once, one forged token while the OpenID metadata host hung stalled /healthz for over two minutes
and SIGTERM did not stop the bot within 20 s: the SDK fetched keys with blocking I/O.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.support.activities import ANNA, personal_activity
from tests.support.openid_host import OpenIdHost
from tests.support.redis_server import free_port

ROOT = Path(__file__).parents[2]
APP_ID = "00000000-0000-0000-0000-00000000a11d"


async def _until_healthy(http: aiohttp.ClientSession, url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "bot.py exited early"
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("bot.py did not answer /healthz")


async def test_hanging_key_host_neither_stalls_the_bot_nor_blocks_sigterm(tmp_path: Path):
    host = await OpenIdHost().start()
    host.hang()
    port = free_port()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("Microsoft", "REDIS", "PORT"))
    }
    env.update(
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="not-a-real-secret",
        MicrosoftAppTenantId="tenant-vnl",
        ALLOWED_TENANT_IDS="tenant-vnl",
        OPENID_METADATA_URL=host.metadata_url,
        OPENID_TIMEOUT_SECONDS="30",  # still hanging when SIGTERM arrives
        PORT=str(port),
        DATA_DIR=str(tmp_path / "data"),
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py")],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            await _until_healthy(http, f"{base}/healthz", process)
            activity = personal_activity(
                ANNA, "https://smba.trafficmanager.net/emea/", type="message", text="hej"
            )
            token = host.token(APP_ID, activity["serviceUrl"], key=host.forged_key)
            forged = asyncio.create_task(
                http.post(f"{base}/api/messages", json=activity, headers={"Authorization": f"Bearer {token}"})
            )
            await asyncio.sleep(0.3)
            started = time.monotonic()
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
            assert time.monotonic() - started < 2
            assert not forged.done()  # waiting for keys, alone

            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
            assert time.monotonic() - started < 10
            forged.cancel()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        await host.close()
    assert "Traceback" not in log_path.read_text(errors="replace")
