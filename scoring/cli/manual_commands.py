"""``scoring manual``: analysts' points, adjustments and confirmed suggestions."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from db.models import Department, ManualScore
from scoring.assessment.periods import parse_period
from scoring.cli.app import not_utf8, open_session, period_option, user_errors
from scoring.cli.output import emit, output_options
from scoring.cli.rules_commands import load_current_rules
from scoring.entries.manual import KINDS, ManualEntryError, add_entry, import_csv
from scoring.rules import RulesError

ENTRY_COLUMNS = (
    "id",
    "department",
    "item_key",
    "period",
    "kind",
    "points",
    "reason",
    "entered_by",
    "entered_at",
)


@click.group()
def manual() -> None:
    """Enter points for the sub-items a crawler cannot measure, and adjustments."""


@manual.command("add")
@click.option("--department", required=True, help="Short name (简称) of the unit.")
@click.option("--item", "item_key", required=True, help="Sub-item key, see 'scoring rules show'.")
@click.option(
    "--period",
    required=True,
    callback=period_option(parse_period),
    help="2012, 2012Q1 or 2012-03.",
)
@click.option("--points", help="Points (an adjustment may be negative); suggestions: optional.")
@click.option("--kind", type=click.Choice(KINDS), default="score", show_default=True)
@click.option("--reason", required=True, help="Why: kept with the entry.")
@click.option("--by", "entered_by", required=True, help="Who enters it.")
@user_errors(ManualEntryError, RulesError)
def manual_add(
    department: str,
    item_key: str,
    period: str,
    points: str | None,
    kind: str,
    reason: str,
    entered_by: str,
) -> None:
    """Add one entry; the latest entry per unit, sub-item and period is the one in force.

    Example:

        scoring manual add --department 市发改委 --item a2.network.security --period 2012 \\
            --points 7.5 --reason "安全检查发现1项问题" --by 王芳
    """
    with open_session() as session:
        entry = add_entry(
            session,
            load_current_rules(),
            department=department,
            item_key=item_key,
            period=period,
            points=points,
            reason=reason,
            entered_by=entered_by,
            kind=kind,
        )
        entry_id, value = entry.id, entry.points
    click.echo(f"entry {entry_id}: {department} {item_key} {period} {kind} {value}")


@manual.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "entered_by", help="Who enters rows that have no entered_by column.")
@user_errors(ManualEntryError, RulesError)
def manual_import(csv_file: Path, entered_by: str | None) -> None:
    """Import entries from a UTF-8 CSV file: all rows or none.

    Columns: department, item_key, period, points, reason, and optionally kind (score,
    adjustment or suggestion; default score) and entered_by.

    Example:

        scoring manual import scores-2012.csv --by 王芳
    """
    try:
        with open_session() as session:
            count = import_csv(session, load_current_rules(), csv_file, entered_by)
    except UnicodeDecodeError as error:
        raise not_utf8(csv_file, error) from error
    click.echo(f"imported {count} entries from {csv_file}")


@manual.command("list")
@click.option("--department", help="Only this unit (short name).")
@click.option("--period", help="Only this period label.")
@output_options
def manual_list(department: str | None, period: str | None, fmt: str, output: Path | None) -> None:
    """List every entry ever made (the log), oldest first.

    Example:

        scoring manual list --department 市发改委 --format csv -o log.csv
    """
    with open_session() as session:
        query = (
            select(ManualScore, Department.short_name)
            .join(Department, Department.id == ManualScore.department_id)
            .order_by(ManualScore.id)
        )
        if department:
            query = query.where(Department.short_name == department)
        if period:
            query = query.where(ManualScore.period == period)
        rows = [
            {
                "id": e.id,
                "department": name,
                "item_key": e.item_key,
                "period": e.period,
                "kind": e.kind,
                "points": str(e.points),
                "reason": e.reason,
                "entered_by": e.entered_by,
                "entered_at": e.entered_at.isoformat(timespec="seconds"),
            }
            for e, name in session.execute(query)
        ]
    emit(rows, ENTRY_COLUMNS, fmt, output)
