"""``scoring inspection``, ``scoring inspection-rules`` and ``scoring warnings``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click

from db.models import utcnow
from scoring.assessment.periods import SHANGHAI
from scoring.cli.app import CommandLineError, UserError, open_session, settings, user_errors
from scoring.cli.output import emit, output_options
from scoring.cli.report_commands import report_output_options, write_report
from scoring.cli.rules_commands import load_current_rules
from scoring.inspection.columns import InspectionError
from scoring.rules import RulesError
from scoring.rules.national import load_national_rules, national_rules_in_force
from scoring.rules.national_model import NationalRules
from scoring.warnings.notify import (
    NotifyConfig,
    NotifyConfigError,
    notify_config_in_force,
)

RULES_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
date_option = click.option(
    "--date", "day", help="The day, YYYY-MM-DD (Asia/Shanghai). Default: today."
)


def parse_day(text: str | None) -> dt.date:
    if text is None:
        return utcnow().astimezone(SHANGHAI).date()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandLineError(
            f"not a date: {text!r} (expected YYYY-MM-DD, e.g. 2019-03-20)"
        ) from None


def national_rules(path: Path | None = None) -> NationalRules:
    """The national rules in force: ``path``, EGOV_NATIONAL_RULES_FILE, or the bundled file."""
    return load_national_rules(path) if path else national_rules_in_force(settings())


def notify_config() -> NotifyConfig:
    return notify_config_in_force(settings())


@click.command("inspection")
@click.option("--site", "site_key", required=True, help="The site's profile key, e.g. sx-portal.")
@date_option
@click.option("--rules-file", type=RULES_FILE, help="Another national rules file.")
@report_output_options
@user_errors(RulesError, InspectionError)
def inspection(
    site_key: str, day: str | None, rules_file: Path | None, fmt: str, output: Path | None
) -> None:
    """Inspect a site against the national indicators (国办秘函〔2019〕19号) as of a day.

    Prints every indicator with its value, threshold, pre-warning level, status (ok, warning,
    veto, deduction, or not provable) and evidence: the probes of the home page over the week
    (unreachable, home page not updated), the column walks of the nightly crawl (stale, long
    unupdated, blank columns, columns past their period), the link checks (broken links, each
    confirmed by two failures a day apart) and the annual report (年报) by 31 January. Then
    the columns, the failed probes and the link problems one by one, and the rules in force.

    Example:

        scoring inspection --site sx-portal --date 2019-03-20 --format html -o inspection.html
    """
    from scoring.inspection.report import inspection_report
    from scoring.inspection.site import inspect_site

    rules = national_rules(rules_file)
    when = parse_day(day)
    with open_session() as session:
        report = inspection_report(inspect_site(session, rules, site_key, when), rules)
    write_report(report, fmt, output)


@click.group("inspection-rules")
def inspection_rules() -> None:
    """Show and validate the national inspection rules (thresholds, warning levels)."""


@inspection_rules.command("validate")
@click.argument("rules_file", required=False, type=RULES_FILE)
@user_errors(RulesError)
def inspection_rules_validate(rules_file: Path | None) -> None:
    """Check a national rules file strictly: every indicator, level, period and category.

    Without RULES_FILE, checks the file in force (EGOV_NATIONAL_RULES_FILE or the bundled
    national-2019.toml).

    Example:

        scoring inspection-rules validate scoring/rules/national-2019.toml
    """
    loaded = national_rules(rules_file)
    click.echo(
        f"{loaded.path}: valid ({len(loaded.categories)} categories, 9 indicators); "
        f"version {loaded.version[:12]}"
    )


@inspection_rules.command("show")
@click.option("--rules-file", type=RULES_FILE, help="Another national rules file.")
@output_options
@user_errors(RulesError)
def inspection_rules_show(rules_file: Path | None, fmt: str, output: Path | None) -> None:
    """Print the categories, the thresholds and the pre-warning levels in force.

    Example:

        scoring inspection-rules show --format json
    """
    loaded = national_rules(rules_file)
    rows = [{"setting": name, "value": value} for name, value in loaded.policy_rows()]
    emit(rows, ("setting", "value"), fmt, output)


@click.group("warnings")
def warnings() -> None:
    """Mid-month early warnings (月中预警): find them and send them through Apprise."""


@warnings.command("send")
@date_option
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and store nothing.")
@output_options
@user_errors(RulesError, NotifyConfigError, InspectionError)
def warnings_send(day: str | None, dry_run: bool, fmt: str, output: Path | None) -> None:
    """Send the early warnings of a day, each finding once to each of its targets.

    Findings: departments below their pro-rata posting quota for the month so far, columns
    about to go stale (or stale), signed documents not yet published whose 5-working-day limit
    is near. Targets come from the notification file (db/data/notify.toml or
    EGOV_NOTIFY_FILE); secrets from EGOV_SECRET_* variables. Every delivery is stored: a
    finding already sent to a target is not sent again. Exits with status 1 if a delivery
    failed (it is tried again next time).

    Example:

        scoring warnings send --date 2019-03-20 --dry-run
    """
    from scoring.warnings.deliveries import FAILED, deliver
    from scoring.warnings.findings import scan

    when = parse_day(day)
    config = notify_config()
    city, national = load_current_rules(), national_rules()
    with open_session() as session:
        found = scan(session, city, national, when, heartbeat_limit=settings().heartbeat_limit)
        outcomes = deliver(
            session, config, found.findings, settings().notify_secrets, day=when, dry_run=dry_run
        )
    for note in found.notes:
        click.echo(f"note: {note}", err=True)
    rows = [
        {
            "kind": o.finding.kind,
            "department": o.finding.department or "",
            "site": o.finding.site or "",
            "target": o.target or "",
            "status": o.status,
            "finding": o.finding.subject,
            "error": o.error or "",
        }
        for o in outcomes
    ]
    emit(rows, ("kind", "department", "site", "target", "status", "finding", "error"), fmt, output)
    counts = Counter(o.status for o in outcomes)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing"
    click.echo(f"{len(found.findings)} findings as of {when}: {summary}", err=True)
    if counts.get(FAILED):
        raise UserError(f"{counts[FAILED]} deliveries failed; they are tried again next time")


@warnings.command("targets")
@output_options
@user_errors(NotifyConfigError)
def warnings_targets(fmt: str, output: Path | None) -> None:
    """Check the notification file: every target's secrets set and its URL usable by Apprise.

    Prints each target (name, service, description, what is routed to it); URLs are never
    printed, they may hold secrets.

    Example:

        scoring warnings targets
    """
    from scoring.warnings.notify import check_target

    config = notify_config()
    secrets = settings().notify_secrets
    rows = []
    for target in config.targets.values():
        check_target(config, target, secrets)
        name = target.name
        routed = [f"department {d}" for d, names in config.departments.items() if name in names]
        routed += [f"site {s}" for s, names in config.sites.items() if name in names]
        routed += [route for route in ("default", "copy") if name in getattr(config, route)]
        rows.append(
            {
                "target": target.name,
                "service": target.service,
                "description": target.description,
                "routes": ", ".join(routed),
            }
        )
    emit(rows, ("target", "service", "description", "routes"), fmt, output)
    click.echo(f"{config.path}: {len(rows)} targets, all usable", err=True)
