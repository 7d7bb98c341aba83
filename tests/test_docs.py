"""Docs that cannot drift: every command and setting is documented."""

from pathlib import Path

import typer

from nohaven.cli import app

ROOT = Path(__file__).parents[1]


def commands(typer_app: typer.Typer, prefix: str = "nohaven") -> list[str]:
    found = [f"{prefix} {c.name or c.callback.__name__}" for c in typer_app.registered_commands]
    for group in typer_app.registered_groups:
        found += commands(group.typer_instance, f"{prefix} {group.name}")
    return found


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in commands(app):
        assert f"`{command}" in readme, f"{command} is not documented in README.md"


def test_every_setting_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings = (ROOT / "src/nohaven/settings.py").read_text(encoding="utf-8")
    for word in settings.split('"'):
        if word.startswith("NOHAVEN_"):
            assert word in readme, f"{word} is not documented in README.md"


def test_quick_start_shows_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1]
    first_block = quick.split("```")[1]
    lines = [ln.split("#")[0].strip() for ln in first_block.splitlines() if ln.strip()]
    assert lines[-2:] == ["make demo", "make test"]
