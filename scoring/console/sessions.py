"""Logins kept on the server (``console_sessions``): started at login, ended at logout."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import ConsoleSession, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, user_id: int) -> str:
    """Open a session for ``user_id``; the returned token goes into the signed cookie."""
    token = secrets.token_urlsafe(32)
    db.add(ConsoleSession(token_sha256=_digest(token), user_id=user_id))
    db.flush()
    return token


def is_open(db: Session, token: object, user_id: int) -> bool:
    """Whether ``token`` is a session of ``user_id`` that nobody has ended."""
    if not isinstance(token, str) or not token:
        return False
    ended = db.execute(
        select(ConsoleSession.ended_at).where(
            ConsoleSession.token_sha256 == _digest(token), ConsoleSession.user_id == user_id
        )
    ).first()
    return ended is not None and ended[0] is None


def end(db: Session, token: object) -> None:
    """End the session of ``token`` (logging out): every copy of its cookie stops working."""
    if isinstance(token, str) and token:
        db.execute(
            update(ConsoleSession)
            .where(ConsoleSession.token_sha256 == _digest(token), ConsoleSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )
