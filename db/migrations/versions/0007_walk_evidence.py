"""walk evidence: the list pages each column walk fetched, lost requests, crawl heartbeats.

A post is backdated (倒填日期) only when a complete walk that reached back past its claimed date
did not list it; these tables keep what such a proof needs. ``crawl_column_results.reached_end``
says a walk read its list to the last page; ``column_walk_pages`` holds the list pages it
fetched; ``request_failures`` every request the crawl lost, with a readable reason; and
``crawl_runs.host``/``pid``/``heartbeat_at`` let the next crawl close a run whose process is gone.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("crawl_run_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("page_kind", sa.String(length=8), nullable=False),
        sa.Column(
            "reason", sa.Text(), nullable=False, comment="readable: the message, not a class name"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "page_kind IN ('list', 'detail', 'other')", name=op.f("ck_request_failures_page_kind")
        ),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["site_columns.id"],
            name=op.f("fk_request_failures_column_id_site_columns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_request_failures_crawl_run_id_crawl_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_failures")),
    )
    op.create_index("ix_request_failures_crawl_run_id", "request_failures", ["crawl_run_id"])
    op.create_table(
        "column_walk_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("column_result_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column(
            "list_index", sa.Integer(), nullable=False, comment="0 for the column's first list page"
        ),
        sa.ForeignKeyConstraint(
            ["column_result_id"],
            ["crawl_column_results.id"],
            name=op.f("fk_column_walk_pages_column_result_id_crawl_column_results"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_column_walk_pages_page_id_fetched_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_column_walk_pages")),
        sa.UniqueConstraint(
            "column_result_id", "page_id", name="uq_column_walk_pages_column_result_id_page_id"
        ),
    )
    op.create_index("ix_column_walk_pages_page_id", "column_walk_pages", ["page_id"])
    # Plain ADD COLUMN, not a batch copy: the analyst views (0002) depend on these tables.
    op.add_column(
        "crawl_column_results",
        sa.Column(
            "reached_end",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
            comment="the walk read the list down to its last page (a full walk)",
        ),
    )
    op.add_column(
        "crawl_runs",
        sa.Column("host", sa.String(length=128), nullable=True, comment="machine the crawl ran on"),
    )
    op.add_column(
        "crawl_runs",
        sa.Column(
            "pid", sa.Integer(), nullable=True, comment="process id of the crawl on that machine"
        ),
    )
    op.add_column(
        "crawl_runs",
        sa.Column(
            "heartbeat_at",
            sa.DateTime(timezone=True),
            nullable=True,
            comment="last sign of life of a running crawl; a stale one is closed as killed",
        ),
    )


def downgrade() -> None:
    op.drop_column("crawl_runs", "heartbeat_at")
    op.drop_column("crawl_runs", "pid")
    op.drop_column("crawl_runs", "host")
    op.drop_column("crawl_column_results", "reached_end")
    op.drop_index("ix_column_walk_pages_page_id", table_name="column_walk_pages")
    op.drop_table("column_walk_pages")
    op.drop_index("ix_request_failures_crawl_run_id", table_name="request_failures")
    op.drop_table("request_failures")
