"""Every ``scoring`` command has help text ending in an example and is in docs/commands.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from scoring.cli import cli

DOCS = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def _commands(group: click.Group, path: str = "scoring") -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from _commands(command, f"{path} {name}")
        else:
            yield f"{path} {name}", command


COMMANDS = list(_commands(cli))


def test_the_command_tree_includes_the_report_and_manual_commands():
    names = {name for name, _ in COMMANDS}
    assert {
        "scoring monthly-report",
        "scoring quarterly-bulletin",
        "scoring annual",
        "scoring explain",
        "scoring manual import",
        "scoring runs show",
        "scoring db grant-readonly",
    } <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_command_has_help_ending_in_an_example_and_is_documented(name, command):
    help_text = (command.help or "").strip()
    assert help_text, f"{name} has no help text"
    assert "Example:" in help_text, f"{name}'s help has no Example: block"
    assert f"`{name}" in DOCS.read_text(encoding="utf-8"), f"{name} is missing from {DOCS}"
