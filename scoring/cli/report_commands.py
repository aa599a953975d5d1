"""``scoring monthly-report``, ``quarterly-bulletin``, ``annual``, ``explain`` and ``runs``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from db.attribution import UnknownDepartmentError
from db.models import utcnow
from db.models.base import values
from db.models.scores import ReportKind
from scoring.api import NotFinalError, explain, publish
from scoring.assessment.periods import SHANGHAI, PeriodError, parse_month, parse_quarter, parse_year
from scoring.cli.app import CommandLineError, open_session, period_option, user_errors
from scoring.cli.output import emit, format_options, output_options
from scoring.reporting.model import Report
from scoring.reporting.render import REPORT_FORMATS, render
from scoring.rules import RulesError
from scoring.runs import UnknownRunError, list_runs, load_run

F = TypeVar("F", bound=Callable[..., Any])


def parse_cutoff(text: str | None) -> dt.datetime:
    """``None``: now. A date: the end of that day in Asia/Shanghai. A naive time: Shanghai."""
    if text is None:
        return utcnow()
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), SHANGHAI)
            return (end - dt.timedelta(microseconds=1)).astimezone(dt.UTC)
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandLineError(
            f"not a cut-off: {text!r} (expected 2012-04-05 or 2012-04-05T08:00+08:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(dt.UTC)


report_output_options = format_options(
    REPORT_FORMATS, "table for reading; json, csv, xlsx (needs -o) or html for others."
)
cutoff_option = click.option(
    "--cutoff",
    help="Ignore evidence first seen after this (date = end of that day, Asia/Shanghai). "
    "Default: now.",
)


def report_options(function: F) -> F:
    """``--cutoff``, ``--by``, ``--format`` and ``-o`` shared by the stored reports."""
    function = report_output_options(function)
    function = click.option("--by", "created_by", help="Who runs the report (kept with the run).")(
        function
    )
    return cutoff_option(function)


def write_report(report: Report, fmt: str, output: Path | None) -> None:
    """Write the report where the user asked; XLSX needs ``-o FILE``."""
    content = render(report, fmt)
    if output is None:
        if isinstance(content, bytes):
            raise click.UsageError(f"--format {fmt} is a binary file: give -o FILE")
        click.echo(content, nl=False)
        return
    if isinstance(content, bytes):
        output.write_bytes(content)
    else:
        output.write_text(content, encoding="utf-8")
    rows = sum(len(s.rows) for s in report.sections)
    click.echo(
        f"wrote {report.title} ({len(report.sections)} sections, {rows} rows) to {output}", err=True
    )


def _publish(
    kind: str,
    period: str | None,
    cutoff: str | None,
    created_by: str | None,
    fmt: str,
    output: Path | None,
    final: bool = False,
) -> None:
    if fmt in ("xlsx",) and output is None:
        raise click.UsageError(f"--format {fmt} is a binary file: give -o FILE")
    try:
        run = publish(kind, period, parse_cutoff(cutoff), by=created_by, final=final)
    except NotFinalError as refused:
        for missing in refused.missing:
            click.echo(f"missing: {missing}", err=True)
        raise
    write_report(run.report, fmt, output)
    state = " (PROVISIONAL ranking: no prize awarded)" if run.provisional and not final else ""
    click.echo(f"stored as score run {run.run_id}{state}", err=True)


@click.command("monthly-report")
@click.option(
    "--month",
    callback=period_option(parse_month),
    help="YYYY-MM; default: the last month that had ended by the cut-off.",
)
@report_options
@user_errors(PeriodError, RulesError)
def monthly_report_command(
    month: str | None, cutoff: str | None, created_by: str | None, fmt: str, output: Path | None
) -> None:
    """Print the monthly report: posts vs quota, documents on time, the two sub-scores.

    Per department: tier, quota, posts this month, shortfall, year-to-date posts against the
    annual bonus threshold, documents published / late / missing, the portal and disclosure
    sub-scores, crawl coverage and backdated posts; a summary by tier on top. A month whose
    crawl coverage is not whole marks its counts INCOMPLETE and shows no shortfall. The run is
    stored (see 'scoring runs').

    Example:

        scoring monthly-report --month 2012-03 --format xlsx -o 2012-03.xlsx
    """
    _publish("monthly", month, cutoff, created_by, fmt, output)


@click.command("quarterly-bulletin")
@click.option(
    "--quarter", required=True, callback=period_option(parse_quarter), help="YYYYQn, e.g. 2012Q1."
)
@report_options
@user_errors(PeriodError, RulesError)
def quarterly_bulletin_command(
    quarter: str, cutoff: str | None, created_by: str | None, fmt: str, output: Path | None
) -> None:
    """Print the quarterly bulletin: full-rubric totals, ranking with ties, prizes.

    While any assessed sub-item has no points the ranking is PROVISIONAL (暂定) and awards no
    prize; each unit shows the points not yet entered.

    Example:

        scoring quarterly-bulletin --quarter 2012Q1 --format html -o 2012Q1.html
    """
    _publish("quarterly", quarter, cutoff, created_by, fmt, output)


@click.command("annual")
@click.option("--year", required=True, callback=period_option(parse_year), help="YYYY, e.g. 2012.")
@click.option(
    "--final",
    is_flag=True,
    help="Refuse, listing what is missing, unless every assessed sub-item has points.",
)
@report_options
@user_errors(PeriodError, RulesError, NotFinalError)
def annual_command(
    year: str,
    final: bool,
    cutoff: str | None,
    created_by: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Print the annual assessment: totals over the whole rubric, ranking and prizes.

    While any assessed sub-item has no points the ranking is PROVISIONAL (暂定) and awards no
    prize. --final publishes only a complete assessment; otherwise it lists each missing
    sub-item on standard error ("missing: UNIT KEY (name, points, reason)") and stores nothing.

    Example:

        scoring annual --year 2012 --cutoff 2013-01-10 --final --format xlsx -o 2012.xlsx
    """
    _publish("annual", year, cutoff, created_by, fmt, output, final=final)


@click.command("explain")
@click.option("--department", required=True, help="Short name (简称), e.g. 市发改委.")
@click.option("--month", required=True, callback=period_option(parse_month), help="YYYY-MM.")
@cutoff_option
@report_output_options
@user_errors(PeriodError, RulesError, UnknownDepartmentError)
def explain_command(
    department: str, month: str, cutoff: str | None, fmt: str, output: Path | None
) -> None:
    """Expand a department's month into its posts and documents, with URLs and stored pages.

    Each post shows whether it counted or duplicated another, its URL, the stored page id and
    sha256; each document its verdict and working days late; then the analyst entries.

    Example:

        scoring explain --department 市发改委 --month 2012-03
    """
    report = explain(department, month, parse_cutoff(cutoff))
    write_report(report, fmt, output)


@click.group("runs")
def runs() -> None:
    """List stored score runs and re-print one exactly as it was published."""


@runs.command("list")
@click.option("--kind", type=click.Choice(values(ReportKind)))
@output_options
def runs_list(kind: str | None, fmt: str, output: Path | None) -> None:
    """List score runs, newest first, with period, rules version and evidence cut-off.

    Example:

        scoring runs list --kind quarterly
    """
    with open_session() as session:
        rows = [
            {
                "id": r.id,
                "kind": r.kind,
                "period": r.period,
                "rules_version": r.rules_version[:12],
                "evidence_cutoff": r.evidence_cutoff.isoformat(),
                "created_at": r.created_at.isoformat(timespec="seconds"),
                "created_by": r.created_by,
                "state": "final" if r.final else "provisional" if r.provisional else "",
            }
            for r in list_runs(session, kind)
        ]
    emit(
        rows,
        (
            "id",
            "kind",
            "period",
            "rules_version",
            "evidence_cutoff",
            "created_at",
            "created_by",
            "state",
        ),
        fmt,
        output,
    )


@runs.command("show")
@click.argument("run_id", type=int)
@report_output_options
@user_errors(UnknownRunError)
def runs_show(run_id: int, fmt: str, output: Path | None) -> None:
    """Re-print a stored score run exactly as it was computed, in any format.

    Example:

        scoring runs show 12 --format html -o bulletin-2012Q1.html
    """
    with open_session() as session:
        _, report = load_run(session, run_id)
    write_report(report, fmt, output)


COMMANDS = (
    monthly_report_command,
    quarterly_bulletin_command,
    annual_command,
    explain_command,
    runs,
)
