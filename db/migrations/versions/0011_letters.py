"""letters: the consultation columns' letters (信件), their walks and form pages

For 互动回应差 of the national inspection: ``letter_columns`` (the profile's consultation
columns: 书记/市长信箱, 部门信箱, 咨询投诉), ``letter_walks`` (each reading of one: whole or not,
and whether its submission form could be seen, never submitted) and ``letters`` (each letter as
last seen, with its list and detail pages). The CHECK values are those of the StrEnums of
``db.models.letters`` when this revision was written.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 19:45:43.618170
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_columns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "url",
            sa.String(length=1024),
            nullable=False,
            comment="the list page, on the declared base",
        ),
        sa.Column("layout", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True, comment="the department answering"),
        sa.Column(
            "lists_unanswered",
            sa.Boolean(),
            nullable=False,
            comment="false: the site publishes answered letters only",
        ),
        sa.CheckConstraint(
            "channel IN ('leader_mailbox', 'department_mailbox', 'complaint')",
            name=op.f("ck_letter_columns_channel"),
        ),
        sa.CheckConstraint(
            "layout IN ('hanweb', 'generic')", name=op.f("ck_letter_columns_layout")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_letter_columns_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_letter_columns_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_columns")),
        sa.UniqueConstraint("site_id", "key", name="uq_letter_columns_site_id_key"),
    )
    op.create_table(
        "letter_walks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column(
            "walked_at", sa.DateTime(timezone=True), nullable=False, comment="when the walk started"
        ),
        sa.Column(
            "complete", sa.Boolean(), nullable=False, comment="every list page and letter read"
        ),
        sa.Column("list_pages", sa.Integer(), nullable=False),
        sa.Column("letters_listed", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True, comment="why the walk is not complete"),
        sa.Column("list_page_id", sa.Integer(), nullable=True, comment="the first list page"),
        sa.Column("form_state", sa.String(length=16), nullable=False),
        sa.Column("form_url", sa.String(length=1024), nullable=True),
        sa.Column("form_http_status", sa.Integer(), nullable=True),
        sa.Column("form_page_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "form_state IN ('form', 'no_form', 'form_error', 'not_looked')",
            name=op.f("ck_letter_walks_form_state"),
        ),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["letter_columns.id"],
            name=op.f("fk_letter_walks_column_id_letter_columns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["form_page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_letter_walks_form_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_letter_walks_list_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_walks")),
    )
    with op.batch_alter_table("letter_walks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_letter_walks_column_id_walked_at", ["column_id", "walked_at"], unique=False
        )

    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1024), nullable=False, comment="the detail page"),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False, comment="来信时间、提交时间"),
        sa.Column("status", sa.String(length=16), nullable=False, comment="状态 as last seen"),
        sa.Column("status_text", sa.String(length=32), nullable=True, comment="状态 as written"),
        sa.Column("replied_on", sa.Date(), nullable=True, comment="回复时间"),
        sa.Column(
            "reply_unit", sa.String(length=256), nullable=True, comment="回复单位 as written"
        ),
        sa.Column(
            "department_id", sa.Integer(), nullable=True, comment="who owns it: 回复单位 or column"
        ),
        sa.Column("page_id", sa.Integer(), nullable=True, comment="the detail page read"),
        sa.Column("list_page_id", sa.Integer(), nullable=True, comment="the list page it was on"),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('answered', 'in_progress', 'unanswered')", name=op.f("ck_letters_status")
        ),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["letter_columns.id"],
            name=op.f("fk_letters_column_id_letter_columns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_letters_department_id_departments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["list_page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_letters_list_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["fetched_pages.id"],
            name=op.f("fk_letters_page_id_fetched_pages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_letters_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
        sa.UniqueConstraint("column_id", "url", name="uq_letters_column_id_url"),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(
            "ix_letters_site_id_submitted_on", ["site_id", "submitted_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_site_id_submitted_on")

    op.drop_table("letters")
    with op.batch_alter_table("letter_walks", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_walks_column_id_walked_at")

    op.drop_table("letter_walks")
    op.drop_table("letter_columns")
