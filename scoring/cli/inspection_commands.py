"""``scoring inspection``, ``scoring inspection-rules`` and ``scoring warnings``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import click
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from db.datafiles import DataFileError
from db.models import utcnow
from scoring.assessment.periods import SHANGHAI
from scoring.cli.app import CommandLineError, UserError, open_session, settings, user_errors
from scoring.cli.output import emit, output_options
from scoring.cli.report_commands import report_output_options, write_report
from scoring.cli.rules_commands import load_current_rules
from scoring.inspection.columns import InspectionError
from scoring.inspection.period import period_days
from scoring.inspection.wording_lexicon import DEFAULT_WORDING_FILE, Lexicon, load_lexicon
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


def inspection_period(
    day: str | None, first: str | None, last: str | None, period: str | None
) -> tuple[dt.date | None, dt.date]:
    """(first day or None, the day judged) from --date, --from/--to or --period."""
    if period is not None:
        if first or last or day:
            raise CommandLineError("--period replaces --from, --to and --date: give one")
        try:
            return period_days(period)
        except ValueError as error:
            raise CommandLineError(str(error)) from None
    if last is not None and day is not None:
        raise CommandLineError("--to and --date both name the day judged: give one")
    end = parse_day(last if last is not None else day)
    return (parse_day(first) if first is not None else None), end


def wording_lexicon() -> Lexicon:
    """The wording lexicon in force: EGOV_WORDING_FILE or db/data/wording.toml."""
    return load_lexicon(settings().wording_file or DEFAULT_WORDING_FILE)


def national_rules(path: Path | None = None) -> NationalRules:
    """The national rules in force: ``path``, EGOV_NATIONAL_RULES_FILE, or the bundled file."""
    return load_national_rules(path) if path else national_rules_in_force(settings())


def notify_config() -> NotifyConfig:
    return notify_config_in_force(settings())


@click.group("inspection", invoke_without_command=True)
@click.option("--site", "site_key", help="The site's profile key, e.g. sx-portal.")
@date_option
@click.option("--from", "first", help="The period's first day, YYYY-MM-DD (with --to or --date).")
@click.option("--to", "last", help="The period's last day, YYYY-MM-DD (the day judged).")
@click.option(
    "--period",
    help="A week, month or quarter: 2019-W12, 2019-03 or 2019Q1 (instead of --from/--to).",
)
@click.option("--no-scan", is_flag=True, help="Do not scan new pages for wording first.")
@click.option("--rules-file", type=RULES_FILE, help="Another national rules file.")
@report_output_options
@click.pass_context
@user_errors(RulesError, InspectionError, DataFileError)
def inspection(
    ctx: click.Context,
    site_key: str | None,
    day: str | None,
    first: str | None,
    last: str | None,
    period: str | None,
    no_scan: bool,
    rules_file: Path | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Inspect a site against the national indicators (国办秘函〔2019〕19号) as of a day.

    Prints every indicator with its value, threshold, pre-warning level, status (ok, warning,
    veto, deduction, or not provable) and evidence: the probes of the home page over the week
    (unreachable, home page not updated), the column walks of the nightly crawl (stale, long
    unupdated, blank columns, columns past their period), the link checks (broken links, each
    confirmed by two failures a day apart; "at least N" when some links were not checked),
    the annual report (年报) by 31 January, and 严重错误: wording hits confirmed by a reviewer
    (hits pending review, 待复核, are a warning, never a veto). Then, per indicator, what could
    not be proved and why; the columns, the failed probes, the link problems and the wording
    hits one by one, and the rules in force.

    A period (--from/--to, or --period for a week, a month or a quarter) is judged as of its
    last day; wording hits are counted over the period. New stored pages are scanned for
    wording first (--no-scan: not). Subcommands: scan-wording, findings.

    Example:

        scoring inspection --site sx-portal --period 2019Q1 --format html -o inspection.html
    """
    if ctx.invoked_subcommand is not None:
        return
    if not site_key:
        raise CommandLineError("--site is required (the site's profile key, e.g. sx-portal)")
    from scoring.inspection.report import inspection_report
    from scoring.inspection.site import inspect_site

    rules = national_rules(rules_file)
    first_day, when = inspection_period(day, first, last, period)
    with open_session() as session:
        if not no_scan:
            _scan_new_pages(session)
        found = inspect_site(session, rules, site_key, when, first_day)
        report = inspection_report(found, rules)
    write_report(report, fmt, output)


def _scan_new_pages(session: Session) -> None:
    """Scan new pages for wording first; a database that refuses writes only costs a note."""
    from scoring.inspection.wording_match import Matcher
    from scoring.inspection.wording_scan import scan

    matcher = Matcher(wording_lexicon())
    try:
        scan(session, matcher)
    except DBAPIError as error:  # e.g. a read-only role: the inspection itself only reads
        session.rollback()
        reason = str(error.orig).strip().splitlines()[0]
        click.echo(f"note: new pages not scanned for wording ({reason})", err=True)


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
        f"{loaded.path}: valid ({len(loaded.categories)} categories, 10 indicators); "
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
