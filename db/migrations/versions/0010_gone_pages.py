"""gone pages: a dead link on the site is the site's failure, never the crawl's.

- A new table ``gone_pages``: a listed page the site answered 404, 410, a redirect to an error
  page or a soft-404 page for, with the list entry that links it (title and date as the list
  showed them, the list page read), when first and last seen. Such a page leaves its column's
  walk complete; a lost request (``request_failures``) still does not.
- ``analyst_site_coverage`` counts only the runs of the spiders that walk the lists
  (``portal``, ``disclosure``): a probe or a link check has its own evidence, and one that
  could not start no longer voids a site's month.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WALKING_SPIDERS = "('portal', 'disclosure')"  # the spiders whose runs cover a month


def _module(name: str) -> Any:
    return importlib.import_module(f"db.migrations.versions.{name}")


def _previous_coverage() -> str:
    return _module("0007_walk_evidence")._site_coverage_counting_silent_runs()


def _coverage_of_list_walks() -> str:
    """0007's view, counting only the runs of the spiders that walk the lists."""
    view = _previous_coverage()
    runs = "FROM crawl_runs r\n  JOIN sites s ON s.id = r.site_id\n"
    later = "WHERE r2.site_id = m.site_id AND "
    assert view.count(runs) == 1 and view.count(later) == 1, "the 0007 view changed"
    view = view.replace(runs, f"{runs}  WHERE r.spider IN {WALKING_SPIDERS}\n")
    return view.replace(later, f"{later}r2.spider IN {WALKING_SPIDERS} AND ")


def upgrade() -> None:
    op.create_table(
        "gone_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=True, comment="the column that lists it"),
        sa.Column(
            "url",
            sa.String(length=1024),
            nullable=False,
            comment="canonical URL, as posts store it",
        ),
        sa.Column(
            "listed_url",
            sa.String(length=1024),
            nullable=False,
            comment="the URL as the list links it",
        ),
        sa.Column(
            "http_status",
            sa.Integer(),
            nullable=False,
            comment="404, 410, 302 (to an error page), 200 …",
        ),
        sa.Column("reason", sa.Text(), nullable=False, comment="readable: what the site answered"),
        sa.Column(
            "list_title",
            sa.String(length=512),
            nullable=False,
            comment="title as the list showed it",
        ),
        sa.Column("list_date", sa.Date(), nullable=True, comment="date as the list showed it"),
        sa.Column("list_page_id", sa.Integer(), nullable=True, comment="the list page read"),
        sa.Column("page_id", sa.Integer(), nullable=True, comment="the error page, if kept"),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_crawl_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["site_columns.id"],
            name=op.f("fk_gone_pages_column_id_site_columns"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["last_crawl_run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_gone_pages_last_crawl_run_id_crawl_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_gone_pages_list_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_gone_pages_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_gone_pages_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gone_pages")),
        sa.UniqueConstraint("site_id", "url", name="uq_gone_pages_site_id_url"),
    )
    op.create_index("ix_gone_pages_column_id", "gone_pages", ["column_id"], unique=False)
    op.execute("DROP VIEW IF EXISTS analyst_site_coverage")
    op.execute(_coverage_of_list_walks())


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS analyst_site_coverage")
    op.execute(_previous_coverage())
    op.drop_index("ix_gone_pages_column_id", table_name="gone_pages")
    op.drop_table("gone_pages")
