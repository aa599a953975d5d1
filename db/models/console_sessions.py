"""The console's logins kept on the server, so that logging out ends a session everywhere.

The signed cookie alone cannot be taken back: a copy of it stays valid until it expires. The
cookie therefore carries a random token whose sha256 is a row here; logging out (or an admin
ending it) sets ``ended_at``, and a request with that token is then anonymous.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class ConsoleSession(Base):
    """One login of one user: open until logged out, or until the cookie expires."""

    __tablename__ = "console_sessions"
    __table_args__ = (
        UniqueConstraint("token_sha256", name="uq_console_sessions_token_sha256"),
        Index("ix_console_sessions_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(
        String(64), comment="sha256 of the cookie's token; the token itself is never stored"
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]

    def __repr__(self) -> str:
        state = "ended" if self.ended_at else "open"
        return f"<ConsoleSession {self.id} user={self.user_id} {state}>"
