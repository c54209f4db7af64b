"""Build and check the Teams app package (manifest.json + two icons in one zip).

`make package` fills the manifest template in deployment/teams-app/ with TEAMS_APP_ID and
BOT_ID from the environment, validates it against the official JSON schema of its
`manifestVersion` (vendored by npm `@microsoft/app-manifest`, draft-04) and checks the icons
before it writes the zip; `make test` runs the same checks on the template (`--check`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, FormatChecker

APP_DIR = Path(__file__).resolve().parent.parent / "deployment" / "teams-app"
SCHEMAS = APP_DIR / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Stand-ins for `--check`: the template must validate with any real ids put in.
SAMPLE_IDS = {
    "TEAMS_APP_ID": "00000000-0000-4000-8000-000000000001",
    "BOT_ID": "00000000-0000-4000-8000-000000000002",
}
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip entries get one timestamp: same inputs, same zip


class PackageError(Exception):
    """The package cannot be built: one line per problem."""


def fill_manifest(template: str, ids: dict[str, str]) -> dict[str, Any]:
    """Replace `${{NAME}}` placeholders; every id must be a GUID (what Teams accepts)."""
    problems = [
        f"{name} must be a GUID, got {value!r}" for name, value in ids.items() if not GUID.match(value)
    ]
    missing = sorted(set(re.findall(r"\$\{\{(\w+)\}\}", template)) - set(ids))
    problems += [f"{name} is not set" for name in missing]
    if problems:
        raise PackageError("\n".join(problems))
    for name, value in ids.items():
        template = template.replace("${{" + name + "}}", value)
    manifest: dict[str, Any] = json.loads(template)
    return manifest


def schema_for(manifest: dict[str, Any], schemas: Path = SCHEMAS) -> dict[str, Any]:
    version = str(manifest.get("manifestVersion", ""))
    path = schemas / f"v{version}" / "MicrosoftTeams.schema.json"
    if not schemas.is_dir():
        raise PackageError(f"schemas not installed at {schemas}: run `make package` or `make test` (npm ci)")
    if not path.is_file():
        raise PackageError(f"no official schema for manifestVersion {version!r}")
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return schema


def schema_errors(manifest: dict[str, Any], schemas: Path = SCHEMAS) -> list[str]:
    """Every violation of the official schema, as `path: message` lines."""
    validator = Draft4Validator(schema_for(manifest, schemas), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path)))
    lines = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in errors]
    declared = str(manifest.get("$schema", ""))
    if f"/v{manifest.get('manifestVersion')}/" not in declared:
        lines.append(f"$schema {declared!r} does not match manifestVersion {manifest.get('manifestVersion')}")
    return lines


def read_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Width, height and RGBA pixels of an 8-bit RGBA, non-interlaced PNG (what Teams icons use)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PackageError("not a PNG file")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, color_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if (depth, color_type, interlace) != (8, 6, 0):
        raise PackageError("icons must be 8-bit RGBA PNGs without interlacing")
    raw, stride, rows = zlib.decompress(idat), width * 4, []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - 4] if x >= 4 else 0
            up, corner = previous[x], previous[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    pixels = [tuple(row[i : i + 4]) for row in rows for i in range(0, stride, 4)]
    return width, height, pixels  # type: ignore[return-value]


def icon_errors(manifest: dict[str, Any], app_dir: Path = APP_DIR) -> list[str]:
    """Teams' rules: color 192×192; outline 32×32, white on a transparent background."""
    problems = []
    for role, size in ICON_SIZES.items():
        path = app_dir / str(manifest.get("icons", {}).get(role, ""))
        if not path.is_file():
            problems.append(f"icons.{role}: {path.name} is missing")
            continue
        width, height, pixels = read_png(path.read_bytes())
        if (width, height) != size:
            problems.append(f"icons.{role}: {width}×{height}, must be {size[0]}×{size[1]}")
        if role == "outline":
            if any(a and (r, g, b) != (255, 255, 255) for r, g, b, a in pixels):
                problems.append("icons.outline: every visible pixel must be white")
            if all(a for *_, a in pixels):
                problems.append("icons.outline: the background must be transparent")
    return problems


def build(
    ids: dict[str, str], out: Path | None, app_dir: Path = APP_DIR, schemas: Path = SCHEMAS
) -> dict[str, Any]:
    """Fill, validate and (with `out`) write the zip; raises PackageError listing every problem."""
    manifest = fill_manifest((app_dir / "manifest.json").read_text(encoding="utf-8"), ids)
    problems = schema_errors(manifest, schemas) + icon_errors(manifest, app_dir)
    if problems:
        raise PackageError("\n".join(problems))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            entries = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode()}
            entries.update(
                {manifest["icons"][r]: (app_dir / manifest["icons"][r]).read_bytes() for r in ICON_SIZES}
            )
            for name, body in entries.items():  # files at the zip's root, as Teams requires
                package.writestr(zipfile.ZipInfo(name, FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="validate the template with sample ids")
    parser.add_argument("--out", type=Path, help="write the zip here (ids from the environment)")
    args = parser.parse_args(argv)
    ids = dict(SAMPLE_IDS) if args.check else {name: os.environ.get(name, "") for name in SAMPLE_IDS}
    try:
        manifest = build(ids, None if args.check else args.out)
    except PackageError as problem:
        print(f"Teams app package: {problem}", file=sys.stderr)  # noqa: T201 - a CLI
        return 1
    where = "template valid" if args.check else f"wrote {args.out}"
    print(f"Teams app package {manifest['version']} (manifest {manifest['manifestVersion']}): {where}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
