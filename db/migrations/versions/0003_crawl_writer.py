"""crawl writer: index disclosure documents by issuer name, for the review queue refresh.

A crawl run refreshes the review queue (``unresolved_names``) for the names it stored, counting
each name through an index; portal posts have one on ``source_normalized``, disclosure
documents get this one on ``issuer_normalized``.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_disclosure_documents_issuer_normalized",
        "disclosure_documents",
        ["issuer_normalized"],
    )


def downgrade() -> None:
    op.drop_index("ix_disclosure_documents_issuer_normalized", table_name="disclosure_documents")
