"""assessment: lags derived when assessing, unnumbered register rows, compact score runs.

- ``disclosure_documents.lag_working_days`` goes: the lag is counted when assessing, on the
  calendar in force (a calendar correction reaches stored documents). The analysts' lateness
  view shows the two dates; ``scoring disclosure check`` lists lags and verdicts.
- ``signed_documents.doc_number`` / ``doc_number_key`` become nullable: register rows without a
  文号 are matched by department, signing date and title.
- ``score_runs.summary`` (the report as JSONB) becomes ``report`` (compact JSON, zlib) with
  ``provisional`` and ``final``; ``score_results`` (one JSON row per unit and sub-item) goes.
- Five indexes: a partial one over backdated posts answers the backdated count without a table
  scan; department + 文号 lets register rows find their published document directly; one over
  the 文号 series answers the gap search from the index alone; one over the two dates (with
  unit and evidence time) judges a period's documents from the index alone; department +
  signing day lets a register row without a 文号 find its document.

Existing score runs are converted, so they still re-print. Downgrading recomputes the stored
lags on the bundled calendar, drops register rows without a 文号, and converts runs back (their
per-item result rows are not rebuilt; a run's flags and provisional state are kept in the old
form, so upgrading again re-prints it byte for byte). The lag column is dropped and added in
place, never by a batch copy of ``disclosure_documents``: on SQLite a copy would turn the column
CHECK of ``signed_on_source`` (0006) into a table CHECK that 0006's downgrade cannot drop.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import importlib
import json
import zlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKDATED_INDEX = "ix_portal_posts_backdated_department_id_published_month"
NUMBER_INDEX = "ix_disclosure_documents_department_id_doc_number_key"
SERIES_INDEX = "ix_disclosure_documents_doc_number_series"
DATES_INDEX = "ix_disclosure_documents_signed_on_published_on"
DATES_COLUMNS = ["signed_on", "published_on", "department_id", "attribution", "first_seen_at"]
SIGNED_INDEX = "ix_disclosure_documents_department_id_signed_on"
SERIES_COLUMNS = [
    "doc_number_year",
    "department_id",
    "doc_number_prefix",
    "doc_number_seq",
    "attribution",
    "first_seen_at",
]
CHART_KEYS = ("department", "posts", "quota", "incomplete")

DOCUMENT_LATENESS = """
CREATE VIEW analyst_document_lateness AS
SELECT x.id AS document_id,
       x.department_id AS department_id,
       d.short_name AS department,
       x.attribution AS attribution,
       x.issuer_text AS issuer_text,
       x.doc_number AS doc_number,
       x.doc_number_key AS doc_number_key,
       x.title AS title,
       x.signed_on AS signed_on,
       x.published_on AS published_on,
       x.url AS url,
       x.page_id AS page_id,
       f.sha256 AS page_sha256
FROM disclosure_documents x
LEFT JOIN departments d ON d.id = x.department_id
LEFT JOIN fetched_pages f ON f.id = x.page_id
"""


def _views() -> Any:
    return importlib.import_module("db.migrations.versions.0002_analyst_views")


def _walk_evidence() -> Any:
    """0007, whose site coverage view counts silent runs as failed: the one in force here."""
    return importlib.import_module("db.migrations.versions.0007_walk_evidence")


def _drop_views() -> None:
    """SQLite rebuilds altered tables; views over them must go first and come back after."""
    for view in reversed(_views().VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")


def _create_views(lateness: str) -> None:
    views = _views()
    for statement in (
        views.MONTHLY_POSTS,
        lateness,
        views.UNRESOLVED_NAMES,
        _walk_evidence()._site_coverage_counting_silent_runs(),
    ):
        op.execute(statement)


def upgrade() -> None:
    _drop_views()
    # In place, not a batch copy: a copy would move the column CHECK of signed_on_source (0006)
    # to the table, where SQLite's DROP COLUMN (0006's downgrade) can no longer drop it.
    op.drop_column("disclosure_documents", "lag_working_days")
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.alter_column(
            "doc_number",
            existing_type=sa.String(length=128),
            nullable=True,
            existing_comment="文号 as written",
        )
        batch_op.alter_column(
            "doc_number_key",
            existing_type=sa.String(length=128),
            nullable=True,
            comment="NULL: no 文号",
        )
    op.create_index(
        BACKDATED_INDEX,
        "portal_posts",
        ["department_id", "published_month"],
        unique=False,
        sqlite_where=sa.text("backdated = 1"),
        postgresql_where=sa.text("backdated"),
    )
    op.create_index(
        NUMBER_INDEX, "disclosure_documents", ["department_id", "doc_number_key"], unique=False
    )
    op.create_index(SERIES_INDEX, "disclosure_documents", SERIES_COLUMNS, unique=False)
    op.create_index(DATES_INDEX, "disclosure_documents", DATES_COLUMNS, unique=False)
    op.create_index(
        SIGNED_INDEX, "disclosure_documents", ["department_id", "signed_on"], unique=False
    )
    _runs_to_compact()
    op.drop_table("score_results")
    _create_views(DOCUMENT_LATENESS)


def downgrade() -> None:
    _drop_views()
    _create_score_results()
    _runs_to_summary()
    op.drop_index(BACKDATED_INDEX, table_name="portal_posts")
    op.drop_index(NUMBER_INDEX, table_name="disclosure_documents")
    op.drop_index(SERIES_INDEX, table_name="disclosure_documents")
    op.drop_index(DATES_INDEX, table_name="disclosure_documents")
    op.drop_index(SIGNED_INDEX, table_name="disclosure_documents")
    op.execute("DELETE FROM signed_documents WHERE doc_number_key IS NULL OR doc_number IS NULL")
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.alter_column(
            "doc_number",
            existing_type=sa.String(length=128),
            nullable=False,
            existing_comment="文号 as written",
        )
        batch_op.alter_column(
            "doc_number_key",
            existing_type=sa.String(length=128),
            nullable=False,
            comment=None,
            existing_comment="NULL: no 文号",
        )
    op.add_column("disclosure_documents", sa.Column("lag_working_days", sa.Integer()))
    _recompute_lags()
    _create_views(_views().DOCUMENT_LATENESS)


# --- score runs -----------------------------------------------------------------------------


def _runs_to_compact() -> None:
    with op.batch_alter_table("score_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "provisional",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="its ranking still missed sub-item points (暂定)",
            )
        )
        batch_op.add_column(
            sa.Column(
                "final",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
                comment="published as final: every assessed sub-item had points",
            )
        )
        batch_op.add_column(
            sa.Column(
                "report",
                sa.LargeBinary(),
                nullable=True,
                comment="the report as printed: compact JSON, zlib-compressed",
            )
        )
    bind = op.get_bind()
    runs = sa.table(
        "score_runs",
        sa.column("id", sa.Integer()),
        sa.column("summary", sa.JSON()),
        sa.column("report", sa.LargeBinary()),
        sa.column("provisional", sa.Boolean()),
    )
    for run_id, summary in bind.execute(sa.select(runs.c.id, runs.c.summary)).all():
        data = summary if isinstance(summary, dict) else json.loads(summary)
        report = data.get("report", {})
        provisional = report.get("provisional")  # kept by a downgrade of this revision
        if provisional is None:
            provisional = any(
                row.get("missing")
                for section in report.get("sections", [])
                if section["key"].startswith("ranking_")
                for row in section["rows"]
            )
        bind.execute(
            runs.update()
            .where(runs.c.id == run_id)
            .values(report=_encode(report, provisional), provisional=provisional)
        )
    with op.batch_alter_table("score_runs", schema=None) as batch_op:
        batch_op.alter_column("provisional", existing_type=sa.Boolean(), server_default=None)
        batch_op.alter_column("final", existing_type=sa.Boolean(), server_default=None)
        batch_op.alter_column("report", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("summary")


def _runs_to_summary() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    with op.batch_alter_table("score_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("summary", json_type, nullable=True))
    bind = op.get_bind()
    runs = sa.table(
        "score_runs",
        sa.column("id", sa.Integer()),
        sa.column("summary", json_type),
        sa.column("report", sa.LargeBinary()),
    )
    for run_id, blob in bind.execute(sa.select(runs.c.id, runs.c.report)).all():
        bind.execute(
            runs.update().where(runs.c.id == run_id).values(summary={"report": _decode(blob)})
        )
    with op.batch_alter_table("score_runs", schema=None) as batch_op:
        batch_op.alter_column("summary", existing_type=json_type, nullable=False)
        batch_op.drop_column("report")
        batch_op.drop_column("final")
        batch_op.drop_column("provisional")


def _encode(report: dict[str, Any], provisional: bool) -> bytes:
    """The stored form of scoring.runs (version 1), from a report as the old runs kept it."""
    sections = []
    for section in report.get("sections", []):
        keys = [column[0] for column in section["columns"]]
        sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "columns": section["columns"],
                "flags": dict(section.get("flags") or {}),
                "rows": [[row.get(key) for key in keys] for row in section["rows"]],
            }
        )
    data = {
        "v": 1,
        "kind": report.get("kind"),
        "period": report.get("period"),
        "title": report.get("title"),
        "provisional": provisional,
        "meta": report.get("meta", []),
        "chart": [[point.get(key) for key in CHART_KEYS] for point in report.get("chart", [])],
        "sections": sections,
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def _decode(blob: bytes) -> dict[str, Any]:
    data = json.loads(zlib.decompress(blob).decode("utf-8"))
    sections = []
    for section in data["sections"]:
        keys = [column[0] for column in section["columns"]]
        sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "columns": section["columns"],
                "rows": [dict(zip(keys, values, strict=True)) for values in section["rows"]],
                # not read before this revision; kept so that upgrading again loses nothing
                "flags": list(section["flags"].items()),  # pairs: JSONB would sort keys
            }
        )
    return {
        "kind": data["kind"],
        "period": data["period"],
        "title": data["title"],
        "meta": data["meta"],
        "sections": sections,
        "chart": [dict(zip(CHART_KEYS, point, strict=True)) for point in data["chart"]],
        "provisional": data["provisional"],
    }


def _create_score_results() -> None:
    op.create_table(
        "score_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_run_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=128), nullable=False),
        sa.Column(
            "points",
            sa.Numeric(precision=7, scale=3),
            nullable=True,
            comment="NULL when not assessable",
        ),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_score_results_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["score_run_id"],
            ["score_runs.id"],
            name=op.f("fk_score_results_score_run_id_score_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_results")),
        sa.UniqueConstraint(
            "score_run_id",
            "department_id",
            "item_key",
            name="uq_score_results_score_run_id_department_id_item_key",
        ),
    )


# --- lags -----------------------------------------------------------------------------------


def _recompute_lags() -> None:
    """Give the old column back its values, on the bundled calendar (NULL where not covered)."""
    from db.workdays import CalendarNotCoveredError, load_calendar

    calendar = load_calendar()
    bind = op.get_bind()
    documents = sa.table(
        "disclosure_documents",
        sa.column("id", sa.Integer()),
        sa.column("signed_on", sa.Date()),
        sa.column("published_on", sa.Date()),
        sa.column("lag_working_days", sa.Integer()),
    )
    rows = bind.execute(
        sa.select(documents.c.id, documents.c.signed_on, documents.c.published_on).where(
            documents.c.signed_on.is_not(None), documents.c.published_on.is_not(None)
        )
    ).all()
    for document_id, signed_on, published_on in rows:
        try:
            lag = calendar.lag_working_days(signed_on, published_on)
        except CalendarNotCoveredError:
            continue
        bind.execute(
            documents.update().where(documents.c.id == document_id).values(lag_working_days=lag)
        )
