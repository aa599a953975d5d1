"""backdating proof: 倒填日期 is derived from the recorded walks, never stored as a flag.

- ``portal_posts.backdated`` goes, with its partial index: the crawler's flag (first sighting
  more than 7 days after the claim) read a crawler outage as backdating. A post is backdated
  only when a complete walk of its column, in a finished run that started more than the margin
  after the claimed time and reached back past it, finished before the post was first seen
  (``scoring.assessment.backdating``, with the margin of the rules in force).
- ``portal_posts.first_seen_lag_seconds``, generated from the two stored times (virtual on
  SQLite, stored on PostgreSQL), with an index: the few posts first seen late are the only ones
  a proof has to look at, found without reading every post.
- A new analyst view ``analyst_backdating_proofs`` lists each proof: the post and every walk
  that should have listed it (with the policy default margin of 7 days, and no cut-off).
  ``analyst_monthly_posts.backdated_posts`` counts the posts it proves.

Downgrading puts the column back and fills it from the same proof (so no flag is invented
from a late first sighting), then restores 0008's views.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKDATED_INDEX = "ix_portal_posts_backdated_department_id_published_month"
LAG_INDEX = "ix_portal_posts_first_seen_lag_seconds"
LAG_COMMENT = (
    "first_seen_at - published_at: how long after its claim the post was first seen "
    "(a fact, not a verdict: backdating is proved from the walks)"
)
MARGIN_SECONDS = 7 * 24 * 3600  # the rules' policy default (portal.backdating_margin_days)
VIEWS = (  # in creation order
    "analyst_backdating_proofs",
    "analyst_monthly_posts",
    "analyst_document_lateness",
    "analyst_unresolved_names",
    "analyst_site_coverage",
)


def _module(name: str) -> Any:
    return importlib.import_module(f"db.migrations.versions.{name}")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _claimed_plus_margin() -> str:
    if _sqlite():
        return (
            f"(strftime('%Y-%m-%d %H:%M:%f', p.published_at, '+{MARGIN_SECONDS} seconds') || '000')"
        )
    return f"(p.published_at + make_interval(secs => {MARGIN_SECONDS}))"


def _claimed_day() -> str:
    if _sqlite():
        return "date(p.published_at, '+8 hours')"
    return "CAST((p.published_at AT TIME ZONE 'Asia/Shanghai') AS DATE)"


def _lag_expression() -> str:
    if _sqlite():
        return (
            "CAST(round((julianday(first_seen_at) - julianday(published_at)) * 86400) AS INTEGER)"
        )
    return "CAST(extract(epoch FROM (first_seen_at - published_at)) AS BIGINT)"


def _proof_conditions() -> str:
    """The walk ``w`` of run ``r``, on a column post ``p`` is listed in, proves ``p`` backdated."""
    return f"""r.site_id = p.site_id
  AND r.started_at > {_claimed_plus_margin()}
  AND r.started_at < p.first_seen_at
  AND w.status = 'complete'
  AND r.status = 'finished'
  AND r.finished_at < p.first_seen_at
  AND (w.reached_end OR w.oldest_seen < {_claimed_day()})"""


def _backdating_proofs() -> str:
    return f"""
CREATE VIEW analyst_backdating_proofs AS
SELECT p.id AS post_id,
       p.department_id AS department_id,
       d.short_name AS department,
       p.published_month AS month,
       p.title AS title,
       p.canonical_url AS url,
       p.published_at AS claimed_at,
       p.first_seen_at AS first_seen_at,
       r.id AS crawl_run_id,
       c.key AS column_key,
       w.id AS column_result_id,
       r.started_at AS walk_started_at,
       r.finished_at AS walk_finished_at,
       w.reached_end AS reached_end,
       w.oldest_seen AS oldest_seen
FROM portal_posts p
JOIN post_listings l ON l.post_id = p.id
JOIN crawl_column_results w ON w.column_id = l.column_id
JOIN crawl_runs r ON r.id = w.crawl_run_id
JOIN site_columns c ON c.id = w.column_id
LEFT JOIN departments d ON d.id = p.department_id
WHERE p.first_seen_lag_seconds > {MARGIN_SECONDS}
  AND {_proof_conditions()}
"""


MONTHLY_POSTS = """
CREATE VIEW analyst_monthly_posts AS
SELECT d.id AS department_id,
       d.short_name AS department,
       d.tier AS tier,
       p.published_month AS month,
       COUNT(DISTINCT p.identity_key) AS posts,
       COUNT(DISTINCT CASE WHEN p.id IN (SELECT post_id FROM analyst_backdating_proofs)
                           THEN p.identity_key END) AS backdated_posts,
       COUNT(*) AS post_rows
FROM portal_posts p
JOIN departments d ON d.id = p.department_id
WHERE p.attribution = 'department'
GROUP BY d.id, d.short_name, d.tier, p.published_month
"""


def _drop_views() -> None:
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")


def _other_views() -> tuple[str, ...]:
    """0008's lateness view, 0002's unresolved names, 0007's coverage: unchanged here."""
    return (
        _module("0008_assessment").DOCUMENT_LATENESS,
        _module("0002_analyst_views").UNRESOLVED_NAMES,
        _module("0007_walk_evidence")._site_coverage_counting_silent_runs(),
    )


def upgrade() -> None:
    _drop_views()
    op.drop_index(BACKDATED_INDEX, table_name="portal_posts")
    op.drop_column("portal_posts", "backdated")  # in place: nothing else of the table moves
    op.add_column(
        "portal_posts",
        sa.Column(
            "first_seen_lag_seconds",
            sa.BigInteger(),
            sa.Computed(_lag_expression(), persisted=not _sqlite()),  # SQLite only adds VIRTUAL
            nullable=True,
            comment=LAG_COMMENT,
        ),
    )
    op.create_index(LAG_INDEX, "portal_posts", ["first_seen_lag_seconds"], unique=False)
    for statement in (_backdating_proofs(), MONTHLY_POSTS, *_other_views()):
        op.execute(statement)


def downgrade() -> None:
    _drop_views()
    op.drop_index(LAG_INDEX, table_name="portal_posts")
    op.drop_column("portal_posts", "first_seen_lag_seconds")
    op.add_column(
        "portal_posts",
        sa.Column(
            "backdated",
            sa.Boolean(),
            nullable=False,
            server_default=sa.false(),
            comment="claimed date older than first_seen_at by more than the margin",
        ),
    )
    op.execute(
        f"""UPDATE portal_posts SET backdated = {"1" if _sqlite() else "true"}
WHERE id IN (
  SELECT p.id FROM portal_posts p
  JOIN post_listings l ON l.post_id = p.id
  JOIN crawl_column_results w ON w.column_id = l.column_id
  JOIN crawl_runs r ON r.id = w.crawl_run_id
  WHERE {_proof_conditions()})"""
    )
    op.create_index(
        BACKDATED_INDEX,
        "portal_posts",
        ["department_id", "published_month"],
        unique=False,
        sqlite_where=sa.text("backdated = 1"),
        postgresql_where=sa.text("backdated"),
    )
    views = _module("0002_analyst_views")
    for statement in (views.MONTHLY_POSTS, *_other_views()):
        op.execute(statement)
