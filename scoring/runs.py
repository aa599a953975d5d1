"""Score runs (评分记录): every report is stored with its rules version, cut-off and results.

The stored report JSON is what was published; ``scoring runs show`` re-prints it byte for byte
in any format, and re-running the report with the same ``--cutoff`` and rules file computes the
same numbers from the evidence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.models import ScoreResult, ScoreRun
from scoring.reporting.model import Report
from scoring.rules import Rules


class UnknownRunError(LookupError):
    """No score run has that id."""


def store_run(
    session: Session,
    rules: Rules,
    report: Report,
    results: dict[int, dict[str, tuple[Decimal | None, dict[str, Any]]]],
    cutoff: dt.datetime,
    created_by: str | None = None,
) -> ScoreRun:
    """Store the report and its per-unit, per-item results (bulk insert)."""
    run = ScoreRun(
        kind=report.kind,
        period=report.period,
        rules_file=str(rules.path)[-256:],
        rules_version=rules.version,
        evidence_cutoff=cutoff,
        created_by=created_by,
        summary={},
    )
    session.add(run)
    session.flush()
    report.meta.append(("评分记录 score run", f"{run.id} (reprint: scoring runs show {run.id})"))
    run.summary = {"report": report.to_json()}
    rows = [
        {
            "score_run_id": run.id,
            "department_id": department_id,
            "item_key": item_key,
            "points": None if points is None else round(points, 3),
            "details": details,
        }
        for department_id, items in results.items()
        for item_key, (points, details) in items.items()
    ]
    if rows:
        session.execute(insert(ScoreResult), rows)
    return run


def load_run(session: Session, run_id: int) -> tuple[ScoreRun, Report]:
    run = session.get(ScoreRun, run_id)
    if run is None:
        raise UnknownRunError(f"no score run with id {run_id}")
    return run, Report.from_json(run.summary["report"])


def list_runs(session: Session, kind: str | None = None) -> list[ScoreRun]:
    query = select(ScoreRun).order_by(ScoreRun.id.desc())
    if kind:
        query = query.where(ScoreRun.kind == kind)
    return list(session.scalars(query))
