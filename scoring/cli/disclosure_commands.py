"""``scoring disclosure``: documents late or missing on the disclosure platform, 文号 gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy import select

from db.attribution import UnknownDepartmentError, find_department
from db.models import Department
from db.models.base import values
from db.models.evidence import DocumentStatus
from scoring.assessment.assess import MONTHLY_LISTED
from scoring.assessment.disclosure_checks import STATUSES, judge_disclosure
from scoring.assessment.number_gaps import number_gaps
from scoring.cli.app import echo_err, open_session, user_errors
from scoring.cli.output import emit, output_options
from scoring.cli.rules_commands import load_current_rules
from scoring.rules import RulesError

VERDICT_COLUMNS = (
    "department",
    "status",
    "doc_number",
    "title",
    "signed_on",
    "published_on",
    "lag_working_days",
    "working_days_late",
    "url",
    "page_id",
    "note",
)
GAP_COLUMNS = (
    "department",
    "prefix",
    "year",
    "missing_seq",
    "previous_seq",
    "next_seq",
    "doc_number",
)


@click.group()
def disclosure() -> None:
    """Check documents against the 5-working-day rule (部门文件主动公开)."""


def _names(session) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return dict(session.execute(select(Department.id, Department.short_name)).all())


@disclosure.command("check")
@click.option("--department", "short_name", help="Only this department (short name, 市发改委).")
@click.option("--year", type=int, default=2012, show_default=True, help="Signing year.")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([*values(DocumentStatus), "all"]),
    help="Verdicts to list (repeatable); default late, missing, undated and no_calendar.",
)
@click.option("--limit-days", type=click.IntRange(0), help="Override the rules file's limit (5).")
@output_options
@user_errors(UnknownDepartmentError, RulesError)
def disclosure_check(
    short_name: str | None,
    year: int,
    statuses: tuple[str, ...],
    limit_days: int | None,
    fmt: str,
    output: Path | None,
) -> None:
    """List documents signed in YEAR that were published late, never, or without dates.

    Lag is in working days on the statutory calendar (调休 included), counted now on the
    calendar in force (db/data/workdays.toml); a year it does not cover is "no_calendar". The
    limit comes from the rules file. A summary per department goes to standard error.

    Example:

        scoring disclosure check --department 市发改委 --year 2012 --format csv -o late.csv
    """
    limit = (
        limit_days
        if limit_days is not None
        else (load_current_rules().disclosure.limit_working_days)
    )
    wanted = set(STATUSES) if "all" in statuses else set(statuses or MONTHLY_LISTED)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    with open_session() as session:
        department_id = find_department(session, short_name).id if short_name else None
        names = _names(session)
        judgement = judge_disclosure(
            session,
            start=start,
            end=end,
            limit_days=limit,
            departments=None if department_id is None else [department_id],
            list_statuses=tuple(wanted),
        )
    counts = judgement.ytd
    rows = [
        {"department": names.get(v.department_id, v.department_id), **v.__dict__}
        for v in judgement.listed
    ]
    emit(rows, VERDICT_COLUMNS, fmt, output)
    for dept, c in sorted(counts.items()):
        if (department_id is None or dept == department_id) and (c.published or c.missing):
            share = f"{c.on_time_share:.0%}" if c.on_time_share is not None else "-"
            echo_err(
                f"{names.get(dept, dept)}: {c.published} published, {c.on_time} on time, "
                f"{c.late} late, {c.missing} missing, {c.explained} explained, "
                f"{c.undated} undated, {c.no_calendar} without calendar; on time {share} "
                f"(limit {limit} working days)"
            )


@disclosure.command("gaps")
@click.option("--department", "short_name", help="Only this department (short name).")
@click.option("--year", type=int, default=2012, show_default=True, help="文号 year.")
@output_options
@user_errors(UnknownDepartmentError)
def disclosure_gaps(short_name: str | None, year: int, fmt: str, output: Path | None) -> None:
    """List numbers missing from departments' published 文号 series: candidates for review.

    12 and 14 published, 13 not: 13 is listed, unless the register marks it classified (涉密)
    or a 不予公开说明 exists. Candidates are not scored until an analyst confirms them.

    Example:

        scoring disclosure gaps --year 2012 --format json
    """
    with open_session() as session:
        department_id = find_department(session, short_name).id if short_name else None
        names = _names(session)
        gaps = number_gaps(session, year=year, department_id=department_id)
    rows = [
        {
            "department": names.get(g.department_id, g.department_id),
            **g.__dict__,
            "doc_number": g.doc_number_key,
        }
        for g in gaps
    ]
    emit(rows, GAP_COLUMNS, fmt, output)
