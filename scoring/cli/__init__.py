"""The ``scoring`` command line: one group, a module of subcommands per area."""

from __future__ import annotations

from scoring.cli.app import cli
from scoring.cli.db_commands import db
from scoring.cli.registry_commands import aliases, departments
from scoring.cli.rules_commands import rules

for command in (db, departments, aliases, rules):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="scoring")


__all__ = ["cli", "main"]
