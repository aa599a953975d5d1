"""``scoring rules``: show and validate the assessment rules file."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from scoring.cli.app import settings, user_errors
from scoring.rules import Rules, RulesError, load_rules, rules_in_force

RULES_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def load_current_rules(path: Path | None = None) -> Rules:
    """The rules file given on the command line, else the one in force."""
    return load_rules(path) if path is not None else rules_in_force(settings())


@click.group()
def rules() -> None:
    """Show and validate the assessment rules (rubrics, quotas, policy defaults)."""


@rules.command("validate")
@click.argument("rules_file", required=False, type=RULES_FILE)
@user_errors(RulesError)
def rules_validate(rules_file: Path | None) -> None:
    """Check a rules file: rubrics sum to 100, sub-items to their item, keys and types known.

    Without RULES_FILE, checks the rules in force (EGOV_RULES_FILE or the bundled 2012 file).

    Example:

        scoring rules validate scoring/rules/shaoxing-2012.toml
    """
    loaded = load_current_rules(rules_file)
    counts = ", ".join(
        f"{r.key} {len(r.items)} items / {len(r.subitems())} sub-items = {r.total}"
        for r in loaded.rubrics
    )
    click.echo(f"{loaded.path}: valid ({counts}); version {loaded.version[:12]}")


@rules.command("show")
@click.option("--rules-file", type=RULES_FILE, help="Another rules file than the one in force.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@user_errors(RulesError)
def rules_show(rules_file: Path | None, fmt: str) -> None:
    """Print the rubrics with their points and markers, the quotas and every policy default.

    Example:

        scoring rules show --format json
    """
    loaded = load_current_rules(rules_file)
    if fmt == "json":
        click.echo(json.dumps(_jsonable(dataclasses.asdict(loaded)), ensure_ascii=False, indent=2))
        return
    click.echo(f"{loaded.title} ({loaded.document_number}), year {loaded.year}")
    click.echo(f"file {loaded.path}, version {loaded.version[:12]}")
    for rubric in loaded.rubrics:
        click.echo(f"\n{rubric.name} [{rubric.key}, {rubric.applies_to}] {rubric.total}")
        for item in rubric.items:
            click.echo(f"  {item.name} {item.points}")
            for sub in item.subitems:
                marker = sub.marker or " "
                click.echo(f"    {marker} {sub.name} {sub.points}  ({sub.key}, {sub.measured})")
    p = loaded.portal
    click.echo("\nPortal quota (posts a month, tier 1/2/3): " + _tiers(p.monthly_quota))
    click.echo(
        f"Annual bonus: +{p.annual_bonus_points} at {_tiers(p.annual_threshold)} posts a year, "
        f"{p.subitem} never above its maximum"
    )
    s = loaded.suggestions
    click.echo(f"Suggestions (note 3): +{s.points_each} each, at most +{s.cap}, to {s.item}")
    click.echo(f"Disclosure limit: {loaded.disclosure.limit_working_days} working days")
    for exemption in loaded.exemptions:
        click.echo(f"Exempt from {exemption.marker}: {', '.join(exemption.flags)}")
    click.echo(f"Exempt totals are rescaled to {loaded.normalise_to}")
    click.echo("\nPolicy defaults:")
    for name, value in loaded.policy_defaults():
        click.echo(f"  {name} = {value}")


def _tiers(values: dict[int, int]) -> str:
    return "/".join(str(values[tier]) for tier in sorted(values))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
