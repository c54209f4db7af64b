"""A copy of the Playground's `.m365agentsplayground.yml` in which another of its people is `currentUser`.

The Playground's UI always acts as `currentUser`, so "be the admin" means running it with a
copy of the config where Karin Holm (or anyone else listed) is `currentUser`; the person who
was `currentUser` takes her place in `users` (the schema wants exactly five there), and the
personal chat gets that person's own id, so the bot never mixes two people's 1:1 state.

Used by `PLAYGROUND_AS=admin make playground` (scripts/playground.sh) and by the E2E tests;
stdlib only (no YAML library in the virtualenv): it edits the two blocks line by line, which
the file's fixed shape (see its header) allows, and keeps everything else, comments included.

    python -m tests.e2e.playground_config "Karin Holm" out.yml
"""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "deployment" / "playground" / ".m365agentsplayground.yml"
ADMINS = ("Karin Holm", "Lars Ekström")  # the central LifeCare SP administrators in the yml

_FIELD = re.compile(r"^\s*(?:- )?(\w+):\s*(.*?)\s*$")


def _fields(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        match = _FIELD.match(line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def people(text: str) -> list[dict[str, str]]:
    """`currentUser` and then `users`, each as its `key: value` fields."""
    lines = text.splitlines()
    start = lines.index("currentUser:")
    current = _fields(_block(lines, start + 1, "  "))
    start = lines.index("users:")
    users = []
    index = start + 1
    while index < len(lines) and lines[index].startswith("  - "):
        item = [lines[index], *_block(lines, index + 1, "    ")]
        users.append(_fields(item))
        index += len(item)
    return [current, *users]


def central_team_env(source: Path = SOURCE) -> dict[str, str]:
    """The bot settings that make the yml's team channel the central one and its two
    administrators the admins, as `make playground` sets them by default."""
    text = source.read_text(encoding="utf-8")
    names = {person["name"]: person["id"] for person in people(text)}
    lines = text.splitlines()
    team = lines.index("team:")
    team_id = next(line.split(": ", 1)[1] for line in lines[team:] if line.startswith("  id: "))
    channel_id = next(line.split(": ", 1)[1] for line in lines[team:] if line.startswith("    - id: "))
    return {
        "ADMIN_IDS": ",".join(f"{names[name]}={name}" for name in ADMINS),
        "CENTRAL_TEAM_ID": team_id,
        "CENTRAL_CHANNEL_ID": channel_id,
    }


def _block(lines: list[str], start: int, indent: str) -> list[str]:
    end = start
    while end < len(lines) and lines[end].startswith(indent) and not lines[end].startswith(indent + "- "):
        end += 1
    return lines[start:end]


def config_as(name: str, source: Path = SOURCE) -> str:
    """The config text with `name` as `currentUser` (and the former one among `users`)."""
    text = source.read_text(encoding="utf-8")
    everyone = people(text)
    by_name = {person["name"]: person for person in everyone}
    if name not in by_name:
        raise KeyError(f"no {name!r} in {source.name}; have {sorted(by_name)}")
    if name == everyone[0]["name"]:
        return text
    chosen, former = by_name[name], everyone[0]
    keys = list(former)  # the order the file uses

    def mapping(person: dict[str, str], first: str, rest: str) -> list[str]:
        return [f"{first if i == 0 else rest}{key}: {person[key]}" for i, key in enumerate(keys)]

    lines = text.splitlines()
    start = lines.index("currentUser:") + 1
    lines[start : start + len(_block(lines, start, "  "))] = mapping(chosen, "  ", "  ")
    users_at = lines.index("users:") + 1
    index = users_at
    while not (lines[index].startswith("  - ") and _fields([lines[index]]).get("id") == chosen["id"]):
        index += 1
    length = 1 + len(_block(lines, index + 1, "    "))
    lines[index : index + length] = mapping(former, "  - ", "    ")
    chat = lines.index("personalChat:") + 1
    lines[chat] = f"  id: a:personal-{_slug(name)}"
    header = [
        f"# GENERATED from {source.name} with currentUser = {name}; do not edit (edit the original).",
        *lines,
    ]
    return "\n".join(header) + "\n"


def write_config_as(name: str, destination: Path, source: Path = SOURCE) -> Path:
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(config_as(name, source), encoding="utf-8")
    return destination


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write(f"usage: python -m tests.e2e.playground_config NAME OUT.yml (names: {ADMINS})\n")
        return 2
    try:
        write_config_as(argv[1], Path(argv[2]))
    except KeyError as exc:
        sys.stderr.write(f"{exc.args[0]}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
