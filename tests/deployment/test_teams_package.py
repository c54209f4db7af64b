"""`make package`: the Teams app zip, validated against the official schema of its manifestVersion."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from scripts.teams_package import APP_DIR, SCHEMAS, PackageError, build, schema_errors

REPO = Path(__file__).resolve().parents[2]
IDS = {
    "TEAMS_APP_ID": "6f1c2b9a-3d4e-4f50-8a61-7b8c9d0e1f23",
    "BOT_ID": "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
}


def png(width: int, height: int, pixel: tuple[int, int, int, int]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes(pixel) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def package(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    out = tmp_path / "app.zip"
    return subprocess.run(
        [sys.executable, "scripts/teams_package.py", "--out", str(out)],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_package_writes_a_zip_whose_manifest_validates_against_the_official_schema(tmp_path):
    result = package(tmp_path, **IDS)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["id"] == IDS["TEAMS_APP_ID"]
    assert manifest["bots"][0]["botId"] == IDS["BOT_ID"]
    assert schema_errors(manifest) == []
    assert (SCHEMAS / f"v{manifest['manifestVersion']}" / "MicrosoftTeams.schema.json").is_file()


def test_the_same_inputs_give_the_same_zip(tmp_path):
    first = package(tmp_path, **IDS)
    data = (tmp_path / "app.zip").read_bytes()
    second = package(tmp_path, **IDS)
    assert first.returncode == second.returncode == 0
    assert (tmp_path / "app.zip").read_bytes() == data


def test_missing_or_malformed_ids_write_no_zip(tmp_path):
    result = package(tmp_path, TEAMS_APP_ID="not-a-guid")
    assert result.returncode == 1
    assert "TEAMS_APP_ID must be a GUID" in result.stderr and "BOT_ID must be a GUID" in result.stderr
    assert not (tmp_path / "app.zip").exists()


def test_the_bot_is_allowed_in_private_and_shared_channels():
    manifest = build(IDS, None)
    assert set(manifest["supportedChannelTypes"]) == {"privateChannels", "sharedChannels"}
    assert {"personal", "team"} <= set(manifest["bots"][0]["scopes"])


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "teams-app"
    shutil.copytree(APP_DIR, copy, ignore=shutil.ignore_patterns("node_modules"))
    return copy


def test_a_field_the_schema_does_not_know_is_reported(app_copy):
    manifest = json.loads((app_copy / "manifest.json").read_text())
    manifest["bots"][0]["notAField"] = True
    manifest["accentColor"] = "blue"
    (app_copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(PackageError) as problem:
        build(IDS, None, app_dir=app_copy)
    assert "notAField" in str(problem.value) and "accentColor" in str(problem.value)


def test_icons_of_the_wrong_size_or_a_coloured_outline_are_reported(app_copy):
    (app_copy / "color.png").write_bytes(png(96, 96, (0, 90, 156, 255)))
    (app_copy / "outline.png").write_bytes(png(32, 32, (0, 90, 156, 255)))
    with pytest.raises(PackageError) as problem:
        build(IDS, None, app_dir=app_copy)
    lines = str(problem.value).splitlines()
    assert "icons.color: 96×96, must be 192×192" in lines
    assert "icons.outline: every visible pixel must be white" in lines
    assert "icons.outline: the background must be transparent" in lines


def test_the_shipped_icons_meet_teams_rules():
    build(IDS, None)  # raises on any problem, icons included
