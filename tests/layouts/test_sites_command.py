"""Every ``sites`` command has help text ending in an example and is in docs/commands.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from crawler.onboarding.cli import cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_sites_command_has_help_with_an_example_and_is_documented(
    name: str, command: click.Command
) -> None:
    help_text = (command.help or "").strip()
    assert "Example:" in help_text, f"sites {name}'s help has no Example: block"
    assert f"`sites {name}" in (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert f"sites {name}" in (ROOT / "docs" / "sites.md").read_text(encoding="utf-8")


def test_python_dash_m_runs_the_sites_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.onboarding", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and "discover" in done.stdout and "check" in done.stdout


def test_docs_name_every_list_kind_and_option() -> None:
    from crawler.profiles import LIST_KIND_OPTIONS

    docs = (ROOT / "docs" / "sites.md").read_text(encoding="utf-8")
    for kind, options in LIST_KIND_OPTIONS.items():
        assert f"### `{kind}`" in docs, kind
        for option in options:
            assert f"`{option}`" in docs, (kind, option)
