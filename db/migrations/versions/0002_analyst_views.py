"""analyst views: read-only SQL views over the evidence, documented in docs/analysts.md.

The views are not in the models (so ``alembic check`` ignores them); the same semantics on
SQLite and PostgreSQL, only the month-of-timestamp expression differs (Asia/Shanghai: UTC+8,
no daylight saving since 1991).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = (
    "analyst_monthly_posts",
    "analyst_document_lateness",
    "analyst_unresolved_names",
    "analyst_site_coverage",
)


def _shanghai_month(column: str) -> str:
    if op.get_bind().dialect.name == "sqlite":
        return f"strftime('%Y-%m', {column}, '+8 hours')"
    return f"to_char({column} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


MONTHLY_POSTS = """
CREATE VIEW analyst_monthly_posts AS
SELECT d.id AS department_id,
       d.short_name AS department,
       d.tier AS tier,
       p.published_month AS month,
       COUNT(DISTINCT p.identity_key) AS posts,
       COUNT(DISTINCT CASE WHEN p.backdated THEN p.identity_key END) AS backdated_posts,
       COUNT(*) AS post_rows
FROM portal_posts p
JOIN departments d ON d.id = p.department_id
WHERE p.attribution = 'department'
GROUP BY d.id, d.short_name, d.tier, p.published_month
"""

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
       x.lag_working_days AS lag_working_days,
       x.url AS url,
       x.page_id AS page_id,
       f.sha256 AS page_sha256
FROM disclosure_documents x
LEFT JOIN departments d ON d.id = x.department_id
LEFT JOIN fetched_pages f ON f.id = x.page_id
"""

UNRESOLVED_NAMES = """
CREATE VIEW analyst_unresolved_names AS
SELECT u.id AS id,
       u.normalized AS normalized,
       u.example_text AS example_text,
       u.status AS status,
       u.occurrences AS occurrences,
       u.first_seen_at AS first_seen_at,
       u.last_seen_at AS last_seen_at,
       (SELECT COUNT(*) FROM portal_posts p
         WHERE p.attribution = 'unresolved' AND p.source_normalized = u.normalized)
         AS unresolved_posts,
       (SELECT COUNT(*) FROM disclosure_documents x
         WHERE x.attribution = 'unresolved' AND x.issuer_normalized = u.normalized)
         AS unresolved_documents
FROM unresolved_names u
"""


def _site_coverage() -> str:
    month, later = _shanghai_month("r.started_at"), _shanghai_month("r2.started_at")
    return f"""
CREATE VIEW analyst_site_coverage AS
SELECT m.site_id, m.site, m.site_kind, m.month, m.runs, m.healthy_runs, m.failed_runs,
       m.unhealthy_runs,
       CASE WHEN m.failed_runs = 0 AND m.unhealthy_runs = 0 AND EXISTS (
              SELECT 1 FROM crawl_runs r2
               WHERE r2.site_id = m.site_id AND r2.status = 'finished' AND r2.healthy
                 AND {later} > m.month
                 AND NOT EXISTS (
                   SELECT 1 FROM crawl_column_results c
                    WHERE c.crawl_run_id = r2.id
                      AND c.status IN ('partial', 'failed', 'blocked')))
            THEN 1 ELSE 0 END AS covered
FROM (
  SELECT s.id AS site_id, s.key AS site, s.kind AS site_kind, {month} AS month,
         COUNT(*) AS runs,
         SUM(CASE WHEN r.status = 'finished' AND r.healthy THEN 1 ELSE 0 END) AS healthy_runs,
         SUM(CASE WHEN r.status IN ('failed', 'blocked', 'killed') THEN 1 ELSE 0 END)
           AS failed_runs,
         SUM(CASE WHEN r.status = 'finished' AND NOT r.healthy THEN 1 ELSE 0 END)
           AS unhealthy_runs
  FROM crawl_runs r
  JOIN sites s ON s.id = r.site_id
  GROUP BY s.id, s.key, s.kind, {month}
) m
"""


def upgrade() -> None:
    for statement in (MONTHLY_POSTS, DOCUMENT_LATENESS, UNRESOLVED_NAMES, _site_coverage()):
        op.execute(statement)


def downgrade() -> None:
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
