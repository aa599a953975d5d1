"""CSRF protection: a random token per session, required on every unsafe request.

The token lives in the signed session cookie and is written into each form as a hidden
``csrf_token`` field; a POST without it, or with another session's, is refused (403). The
session cookie is also ``SameSite=Lax``, so another site's form posts arrive without it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

FIELD = "csrf_token"
SESSION_KEY = "csrf"


def csrf_token(session: dict[str, Any]) -> str:
    """The session's token, created on first use."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def rotate(session: dict[str, Any]) -> str:
    """A new token (at login and logout), so a token seen before login is useless after."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def token_is_valid(session: dict[str, Any], form: Mapping[str, Any]) -> bool:
    expected = session.get(SESSION_KEY)
    given = form.get(FIELD)
    if not isinstance(expected, str) or not isinstance(given, str) or not given:
        return False
    return secrets.compare_digest(expected.encode(), given.encode())
