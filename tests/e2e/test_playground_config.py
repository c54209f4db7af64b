"""The Playground config as another person, and `make playground`'s defaults (no browser: these
run in `make test`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.playground_config import ADMINS, SOURCE, central_team_env, config_as, people, write_config_as

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "playground.sh"


def test_the_admin_becomes_current_user_and_the_former_one_a_user(tmp_path: Path) -> None:
    original = people(SOURCE.read_text(encoding="utf-8"))
    generated = people(write_config_as("Karin Holm", tmp_path / "x.yml").read_text(encoding="utf-8"))
    assert generated[0]["name"] == "Karin Holm" and original[0]["name"] == "Anna Lindqvist"
    assert len(generated) == len(original) == 6  # the schema wants exactly 5 users besides currentUser
    assert sorted(map(str, generated)) == sorted(map(str, original))  # the same people, field for field
    assert generated[1:] == [original[0] if p["name"] == "Karin Holm" else p for p in original[1:]]


def test_only_current_user_lars_and_the_personal_chat_change() -> None:
    original = SOURCE.read_text(encoding="utf-8").splitlines()
    generated = config_as("Lars Ekström").splitlines()
    assert generated[0].startswith("# GENERATED") and len(generated) == len(original) + 1
    changed = [i for i, (a, b) in enumerate(zip(original, generated[1:], strict=True)) if a != b]
    current = original.index("currentUser:")
    lars = original.index("  - id: 29:user-lars-ekstrom")
    chat = original.index("personalChat:") + 1
    allowed = {*range(current + 1, current + 8), *range(lars, lars + 7), chat}
    assert changed and set(changed) <= allowed, [original[i] for i in changed]
    assert generated[chat + 1] == "  id: a:personal-lars-ekstrom"


def test_the_current_user_as_such_is_the_file_itself() -> None:
    assert config_as("Anna Lindqvist") == SOURCE.read_text(encoding="utf-8")


def test_an_unknown_person_is_refused() -> None:
    with pytest.raises(KeyError, match="Nobody"):
        config_as("Nobody")


def test_make_playground_defaults_are_the_yml_admins_and_channel() -> None:
    script = SCRIPT.read_text(encoding="utf-8")
    defaults = dict(re.findall(r'^export (\w+)="\$\{\1-(.*)\}"$', script, flags=re.MULTILINE))
    assert defaults == central_team_env()
    assert all(f"={name}" in defaults["ADMIN_IDS"] for name in ADMINS)
