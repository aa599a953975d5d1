"""Score runs (评分记录): every published report, stored once, re-printed exactly.

A run keeps the rules version, the evidence cut-off, whether its ranking was provisional or
published as final, and the report itself: one compact JSON document (rows as arrays in column
order), zlib-compressed — an annual report of 2,000 units is one row of a few hundred
kilobytes, not tens of thousands of result rows. ``scoring runs show`` decodes it and renders
it again, so every format re-prints byte for byte what was published.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from operator import itemgetter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from db.models import ScoreRun
from scoring.reporting.model import CHART_KEYS, Report, Section
from scoring.rules import Rules

ENCODING_VERSION = 1
COMPRESSION_LEVEL = 1  # 4 MB of annual JSON: 15 ms to 230 kB (level 6: 45 ms to 185 kB)


class UnknownRunError(LookupError):
    """No score run has that id."""


def encode_report(report: Report) -> bytes:
    """The stored form of a report: compact JSON, rows as arrays, zlib-compressed."""
    data = {
        "v": ENCODING_VERSION,
        "kind": report.kind,
        "period": report.period,
        "title": report.title,
        "provisional": report.provisional,
        "meta": [list(m) for m in report.meta],
        "chart": [[point.get(key) for key in CHART_KEYS] for point in report.chart],
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "columns": [list(c) for c in s.columns],
                "flags": s.flags,
                "rows": _row_values(s),
            }
            for s in report.sections
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), COMPRESSION_LEVEL)


def _row_values(section: Section) -> list[list[Any]]:
    """Each row's values in column order (rows of 2,000-unit reports: keep it cheap)."""
    keys = [key for key, _ in section.columns]
    if len(keys) == 1:
        return [[row.get(keys[0])] for row in section.rows]
    values = itemgetter(*keys)
    try:
        return [list(values(row)) for row in section.rows]
    except KeyError:  # a row without some column: None there, as the renderers print it
        return [[row.get(key) for key in keys] for row in section.rows]


def decode_report(blob: bytes) -> Report:
    """Rebuild the report exactly as :func:`encode_report` received it."""
    data: dict[str, Any] = json.loads(zlib.decompress(blob).decode("utf-8"))
    if data.get("v") != ENCODING_VERSION:
        raise ValueError(f"stored report encoding {data.get('v')!r} is not {ENCODING_VERSION}")
    sections = []
    for s in data["sections"]:
        columns = [tuple(c) for c in s["columns"]]
        keys = [key for key, _ in columns]
        rows = [dict(zip(keys, values, strict=True)) for values in s["rows"]]
        sections.append(Section(s["key"], s["title"], columns, rows, dict(s["flags"])))
    return Report(
        data["kind"],
        data["period"],
        data["title"],
        [tuple(m) for m in data["meta"]],
        sections,
        [dict(zip(CHART_KEYS, point, strict=True)) for point in data["chart"]],
        bool(data["provisional"]),
    )


def store_run(
    session: Session,
    rules: Rules,
    report: Report,
    cutoff: dt.datetime,
    created_by: str | None = None,
    *,
    final: bool = False,
) -> tuple[ScoreRun, Report]:
    """Store ``report`` as a new run; return the run and the report as published.

    The published report is ``report`` with one more metadata line naming the run, so that a
    printed copy says how to re-print it. The run's id is taken first, so the row is written
    once, whole: a stored run is never updated (the console's role may only insert runs).
    """
    run_id = _next_run_id(session)
    published = report.with_meta(
        "评分记录 score run", f"{run_id} (reprint: scoring runs show {run_id})"
    )
    run = ScoreRun(
        id=run_id,
        kind=report.kind,
        period=report.period,
        rules_file=str(rules.path)[-256:],
        rules_version=rules.version,
        evidence_cutoff=cutoff,
        created_by=created_by,
        provisional=report.provisional,
        final=final,
        report=encode_report(published),
    )
    session.add(run)
    session.flush()
    return run, published


def _next_run_id(session: Session) -> int:
    """The id the next stored run takes: the sequence's next value, or one past the last on
    SQLite (whose writers take turns, so two runs never draw the same)."""
    if session.get_bind().dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(ScoreRun.__tablename__, "id")
        return int(session.scalar(select(func.nextval(sequence))))
    return int(session.scalar(select(func.coalesce(func.max(ScoreRun.id), 0)))) + 1


def load_run(session: Session, run_id: int) -> tuple[ScoreRun, Report]:
    run = session.get(ScoreRun, run_id)
    if run is None:
        raise UnknownRunError(f"no score run with id {run_id}")
    return run, decode_report(run.report)


def list_runs(session: Session, kind: str | None = None) -> list[ScoreRun]:
    query = select(ScoreRun).options(defer(ScoreRun.report)).order_by(ScoreRun.id.desc())
    if kind:
        query = query.where(ScoreRun.kind == kind)
    return list(session.scalars(query))
