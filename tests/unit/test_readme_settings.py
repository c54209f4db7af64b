"""The README's settings table lists every setting (the README must stay true)."""

from pathlib import Path

from pydantic import AliasChoices

from config import Settings

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def env_name(name: str) -> str:
    alias = Settings.model_fields[name].validation_alias
    return str(alias.choices[0]) if isinstance(alias, AliasChoices) else name.upper()


def test_every_setting_has_a_row_in_the_readme():
    missing = [env_name(n) for n in Settings.model_fields if f"| `{env_name(n)}` |" not in README]
    assert missing == []
