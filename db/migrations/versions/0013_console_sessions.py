"""console sessions, languages and the 整改 loop.

- ``console_sessions``: logins kept on the server, so that logging out ends a copied cookie.
- ``rectifications`` (整改), ``rectification_answers``, ``rectification_attachments``: findings
  sent to their department, the liaison's answers with their files, the reviewer's decision.
- ``console_users.locale``: the language a user chose for the console (zh_CN or en); none
  means the browser's ``Accept-Language``, else Chinese.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "token_sha256",
            sa.String(length=64),
            nullable=False,
            comment="sha256 of the cookie's token; the token itself is never stored",
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_users.id"],
            name=op.f("fk_console_sessions_user_id_console_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("token_sha256", name="uq_console_sessions_token_sha256"),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_console_sessions_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("console_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "locale",
                sa.String(length=8),
                nullable=True,
                comment="the console's language chosen by the user; none: the browser's",
            )
        )

    op.create_table(
        "rectifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.String(length=32),
            nullable=False,
            comment="the review queue, e.g. number_gap",
        ),
        sa.Column("subject_key", sa.String(length=256), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False, comment="the finding as sent"),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False, comment="the last working day to answer"),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('sent', 'answered', 'accepted', 'rejected')",
            name=op.f("ck_rectifications_state"),
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_rectifications_department_id_departments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectifications")),
        sa.UniqueConstraint("kind", "subject_key", name="uq_rectifications_kind_subject_key"),
    )
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rectifications_department_id_state", ["department_id", "state"], unique=False
        )

    op.create_table(
        "rectification_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rectification_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rectification_id"],
            ["rectifications.id"],
            name=op.f("fk_rectification_answers_rectification_id_rectifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_answers")),
    )
    with op.batch_alter_table("rectification_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rectification_answers_rectification_id", ["rectification_id"], unique=False
        )

    op.create_table(
        "rectification_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column(
            "media_type", sa.String(length=100), nullable=False, comment="as found in the content"
        ),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["rectification_answers.id"],
            name=op.f("fk_rectification_attachments_answer_id_rectification_answers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_attachments")),
    )
    with op.batch_alter_table("rectification_attachments", schema=None) as batch_op:
        batch_op.create_index("ix_rectification_attachments_answer_id", ["answer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rectification_attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_rectification_attachments_answer_id")

    op.drop_table("rectification_attachments")
    with op.batch_alter_table("rectification_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_rectification_answers_rectification_id")

    op.drop_table("rectification_answers")
    with op.batch_alter_table("rectifications", schema=None) as batch_op:
        batch_op.drop_index("ix_rectifications_department_id_state")

    op.drop_table("rectifications")
    with op.batch_alter_table("console_users", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_console_sessions_user_id")
    op.drop_table("console_sessions")
