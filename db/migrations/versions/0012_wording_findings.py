"""wording findings: 严重错误 candidates found in stored pages, for review

- ``wording_findings``: each wrong form of the operator's lexicon (``db/data/wording.toml``) found
  in a stored page's text, with the sentence around it, the right form and its review state
  (pending 待复核 → confirmed / dismissed); only confirmed hits count toward the veto.
- ``wording_scans``: each run of the wording scan (lexicon version, pages, hits), and
  ``fetched_pages.wording_scan_id``, the run that last read a page: each crawl's new pages are
  scanned once, and marking a batch of pages is one UPDATE.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wording_scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True, comment="NULL: every site"),
        sa.Column(
            "everything",
            sa.Boolean(),
            nullable=False,
            comment="the whole archive, not only new pages",
        ),
        sa.Column(
            "lexicon_version",
            sa.String(length=64),
            nullable=False,
            comment="sha256 of the lexicon file",
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_wording_scans_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_scans")),
    )
    op.create_table(
        "wording_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column(
            "source", sa.String(length=16), nullable=False, comment="post, document or column_page"
        ),
        sa.Column(
            "rule_key",
            sa.String(length=64),
            nullable=False,
            comment="the lexicon rule that matched",
        ),
        sa.Column(
            "found",
            sa.String(length=128),
            nullable=False,
            comment="the wrong form as the page wrote it",
        ),
        sa.Column("right", sa.String(length=128), nullable=False, comment="the right form"),
        sa.Column(
            "offset", sa.Integer(), nullable=False, comment="where in the page's text (characters)"
        ),
        sa.Column("sentence", sa.Text(), nullable=False, comment="the sentence around the hit"),
        sa.Column("review", sa.String(length=16), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "review IN ('pending', 'confirmed', 'dismissed')",
            name=op.f("ck_wording_findings_review"),
        ),
        sa.CheckConstraint(
            "source IN ('post', 'document', 'column_page')", name=op.f("ck_wording_findings_source")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_wording_findings_page_id_fetched_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_wording_findings_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wording_findings")),
        sa.UniqueConstraint(
            "page_id", "rule_key", "offset", name="uq_wording_findings_page_id_rule_key_offset"
        ),
    )
    with op.batch_alter_table("wording_findings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_wording_findings_site_id_review", ["site_id", "review"], unique=False
        )

    # A plain column (no foreign key): SQLite adds it in place, without rebuilding the table
    # and the analyst views that read it.
    op.add_column(
        "fetched_pages",
        sa.Column(
            "wording_scan_id",
            sa.Integer(),
            nullable=True,
            comment="wording_scans.id of the scan that last read the page's text (NULL: not yet)",
        ),
    )


def downgrade() -> None:
    op.drop_column("fetched_pages", "wording_scan_id")  # in place on SQLite >= 3.35 too

    with op.batch_alter_table("wording_findings", schema=None) as batch_op:
        batch_op.drop_index("ix_wording_findings_site_id_review")

    op.drop_table("wording_findings")
    op.drop_table("wording_scans")
