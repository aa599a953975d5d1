"""The ``scoring`` command line: one group, a module of subcommands per area."""

from __future__ import annotations

from scoring.cli.analyst_commands import grant_readonly
from scoring.cli.app import cli
from scoring.cli.console_commands import COMMANDS as CONSOLE_COMMANDS
from scoring.cli.console_commands import grant_console
from scoring.cli.db_commands import db
from scoring.cli.disclosure_commands import disclosure
from scoring.cli.inspection_commands import inspection, inspection_rules, warnings
from scoring.cli.manual_commands import manual
from scoring.cli.register_commands import register
from scoring.cli.registry_commands import aliases, departments
from scoring.cli.report_commands import COMMANDS as REPORT_COMMANDS
from scoring.cli.rules_commands import rules
from scoring.cli.wording_commands import findings, scan_wording

for command in (db, departments, aliases, rules, register, disclosure, manual, *REPORT_COMMANDS):
    cli.add_command(command)
db.add_command(grant_readonly)
for command in (inspection, inspection_rules, warnings):
    cli.add_command(command)
for command in CONSOLE_COMMANDS:
    cli.add_command(command)
db.add_command(grant_console)


def main() -> None:
    cli(prog_name="scoring")


__all__ = ["cli", "findings", "main", "scan_wording"]
