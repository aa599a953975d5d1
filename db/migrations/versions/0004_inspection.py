"""inspection: reachability probes, link checks, warnings sent, column categories

Tables of the national inspection (国办秘函〔2019〕19号) and the early warnings, and the
``site_columns.category`` the site profiles give each column (dynamic, notice, policy, …).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 16:38:32.649664
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_check_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finish_reason", sa.String(length=128), nullable=True),
        sa.Column("pages_scanned", sa.Integer(), nullable=False),
        sa.Column("links_checked", sa.Integer(), nullable=False),
        sa.Column(
            "stats", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed', 'killed')",
            name=op.f("ck_link_check_runs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_link_check_runs_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_check_runs")),
    )
    with op.batch_alter_table("link_check_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_link_check_runs_site_id_finished_at", ["site_id", "finished_at"], unique=False
        )

    op.create_table(
        "warning_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "finding_key",
            sa.String(length=255),
            nullable=False,
            comment="what the finding is about",
        ),
        sa.Column(
            "target", sa.String(length=64), nullable=False, comment="target name in the notify file"
        ),
        sa.Column(
            "kind", sa.String(length=32), nullable=False, comment="quota, column or register"
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('sent', 'failed')", name=op.f("ck_warning_deliveries_status")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_warning_deliveries_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_deliveries")),
        sa.UniqueConstraint(
            "finding_key", "target", name="uq_warning_deliveries_finding_key_target"
        ),
    )
    op.create_table(
        "link_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("on_home", sa.Boolean(), nullable=False, comment="found on the home page"),
        sa.Column(
            "found_on", sa.String(length=1024), nullable=False, comment="the page it was found on"
        ),
        sa.Column("found_on_page_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=True, comment="the request that decided"),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_kind", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('page', 'image', 'attachment')", name=op.f("ck_link_checks_kind")
        ),
        sa.CheckConstraint(
            "outcome IN ('ok', 'failed', 'skipped')", name=op.f("ck_link_checks_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["found_on_page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_link_checks_found_on_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["link_check_runs.id"],
            name=op.f("fk_link_checks_run_id_link_check_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_link_checks_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_checks")),
        sa.UniqueConstraint("run_id", "url", name="uq_link_checks_run_id_url"),
    )
    with op.batch_alter_table("link_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_link_checks_site_id_url_checked_at", ["site_id", "url", "checked_at"], unique=False
        )

    op.create_table(
        "probe_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False, comment="'home' or a column key"),
        sa.Column(
            "url", sa.String(length=1024), nullable=False, comment="the URL really requested"
        ),
        sa.Column(
            "probed_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="when the request was sent",
        ),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("latency_seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column(
            "error_kind", sa.String(length=32), nullable=True, comment="timeout, connection, …"
        ),
        sa.Column(
            "newest_item_on", sa.Date(), nullable=True, comment="home page: newest item date"
        ),
        sa.Column("page_id", sa.Integer(), nullable=True, comment="the body served, if any"),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_probe_results_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_probe_results_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_results")),
        sa.UniqueConstraint(
            "site_id", "target", "probed_at", name="uq_probe_results_site_id_target_probed_at"
        ),
    )
    with op.batch_alter_table("probe_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_probe_results_site_id_probed_at", ["site_id", "probed_at"], unique=False
        )

    with op.batch_alter_table("site_columns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "category",
                sa.String(length=32),
                nullable=True,
                comment="栏目类别 for the national inspection: dynamic, notice, policy, …",
            )
        )


def downgrade() -> None:
    # SQLite drops the column in place (3.35+): rebuilding site_columns in batch mode would drop
    # the table that crawl results and posts refer to, with foreign keys on.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE site_columns DROP COLUMN category")
    else:
        op.drop_column("site_columns", "category")

    with op.batch_alter_table("probe_results", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_results_site_id_probed_at")
    op.drop_table("probe_results")
    with op.batch_alter_table("link_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_link_checks_site_id_url_checked_at")
    op.drop_table("link_checks")
    op.drop_table("warning_deliveries")
    with op.batch_alter_table("link_check_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_link_check_runs_site_id_finished_at")
    op.drop_table("link_check_runs")
