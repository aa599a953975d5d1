"""layouts: where a disclosure document's signing date was read (table, body or none).

Many detail tables carry no 成文日期; the crawler then reads the signing date from the closing
signature block (落款) at the end of the body. ``disclosure_documents.signed_on_source`` keeps
which: ``table``, ``body`` or ``none``. Documents stored before were all read from the table.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


CHECK = "signed_on_source IN ('table', 'body', 'none')"
COMMENT = "where signed_on was read: table (成文日期), body (落款) or none (undated)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not a batch copy of the table: the analyst views (0002) depend on it. SQLite adds a
        # column with its CHECK in place.
        op.execute(
            "ALTER TABLE disclosure_documents ADD COLUMN signed_on_source VARCHAR(8) "
            "DEFAULT 'none' NOT NULL "
            f"CONSTRAINT ck_disclosure_documents_signed_on_source CHECK ({CHECK})"
        )
    else:
        op.add_column(
            "disclosure_documents",
            sa.Column(
                "signed_on_source",
                sa.String(length=8),
                server_default="none",
                nullable=False,
                comment=COMMENT,
            ),
        )
        op.create_check_constraint("signed_on_source", "disclosure_documents", CHECK)
    op.execute(
        "UPDATE disclosure_documents SET signed_on_source = 'table' WHERE signed_on IS NOT NULL"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("signed_on_source", "disclosure_documents", type_="check")
    op.drop_column("disclosure_documents", "signed_on_source")
