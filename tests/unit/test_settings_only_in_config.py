"""Settings are parsed in one place: config.py reads the environment; the bot's code gets a
Settings object. (Tools in scripts/ and bench/ read their own options; they are not the bot.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parents[2]
BOT_CODE = ("bot.py", "app.py", "adapters", "domain", "dialogs", "cards", "handlers", "jobs", "messages")


def _reads_environment(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "environb"}:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(alias.name in {"environ", "getenv"} for alias in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "load_dotenv":
            lines.append(node.lineno)
    return lines


def test_only_config_reads_the_environment():
    files = [ROOT / name for name in BOT_CODE if name.endswith(".py")]
    files += [
        path for name in BOT_CODE if not name.endswith(".py") for path in sorted((ROOT / name).rglob("*.py"))
    ]
    readers = [f"{path.relative_to(ROOT)}:{line}" for path in files for line in _reads_environment(path)]
    assert readers == [], "add a field to config.Settings (and the README table) instead"
