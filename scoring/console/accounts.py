"""Console users (用户): passwords hashed with argon2id, roles, and the login rate limit.

Roles: ``viewer`` reads everything; ``reviewer`` also reviews findings, adds aliases, enters
points and publishes reports; ``admin`` also manages users; ``liaison`` (部门联络员) reads its
own department only and writes nothing.

Logins are slowed down by counting failed attempts in ``login_attempts``: after
``MAX_FAILURES_PER_NAME`` failures for a user name, or ``MAX_FAILURES_PER_CLIENT`` from one client
address, within ``WINDOW``, further tries are refused without checking the password.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.attribution import UnknownDepartmentError, find_department
from db.models import AuditEvent, ConsoleUser, Department, LoginAttempt, utcnow
from db.models.console import Role
from scoring.console.audit import record
from scoring.console.i18n import _

READ_ROLES = frozenset(Role)
ALL_DEPARTMENTS = frozenset({Role.VIEWER, Role.REVIEWER, Role.ADMIN})
WRITE_ROLES = frozenset({Role.REVIEWER, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_CLIENT = 20
WINDOW = dt.timedelta(minutes=15)
USERNAME = re.compile(r"[A-Za-z0-9_.@-]{2,64}")

_hasher = PasswordHasher()
# verified against when the user name is unknown, so both cases take the same time
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A user change that cannot be made; the message says why."""


class RateLimited(PermissionError):
    """Too many failed logins: the attempt was refused without checking the password."""


@dataclass(frozen=True)
class Account:
    """The logged-in user as the pages see it (detached from any database session)."""

    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    department_name: str | None
    password_stamp: str
    locale: str | None = None

    @property
    def scope(self) -> set[int] | None:
        """The departments this user may see; ``None`` for all."""
        return {self.department_id} if self.department_id is not None else None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


def account_of(session: Session, user: ConsoleUser) -> Account:
    department = session.get(Department, user.department_id) if user.department_id else None
    return Account(
        id=user.id,
        username=user.username,
        display_name=user.display_name or user.username,
        role=user.role,
        department_id=user.department_id,
        department_name=department.short_name if department else None,
        password_stamp=user.password_changed_at.isoformat(),
        locale=user.locale,
    )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def _department_for(session: Session, role: str, department: str | None) -> int | None:
    if role not in READ_ROLES:
        raise AccountError(f"role must be one of {', '.join(Role)}, got {role!r}")
    if role == "liaison":
        if not department:
            raise AccountError("a liaison needs --department (the short name, e.g. 市发改委)")
        try:
            return find_department(session, department).id
        except UnknownDepartmentError as error:
            raise AccountError(str(error)) from error
    if department:
        raise AccountError(f"only a liaison belongs to a department, not a {role}")
    return None


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    department: str | None = None,
    display_name: str = "",
    by: str,
) -> ConsoleUser:
    """Add a user; the step is kept in the audit log."""
    if not USERNAME.fullmatch(username):
        raise AccountError("a user name is 2-64 letters, digits or . _ @ -")
    if session.scalar(select(ConsoleUser.id).where(ConsoleUser.username == username)):
        raise AccountError(f"user {username!r} already exists")
    department_id = _department_for(session, role, department)
    user = ConsoleUser(
        username=username,
        display_name=display_name.strip()[:128],
        password_hash=hash_password(password),
        role=role,
        department_id=department_id,
    )
    session.add(user)
    session.flush()
    record(
        session, by, "user_added", f"user:{username}", to_state=role, department_id=department_id
    )
    return user


def find_user(session: Session, username: str) -> ConsoleUser:
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def set_role(
    session: Session, username: str, role: str, department: str | None, *, by: str
) -> ConsoleUser:
    user = find_user(session, username)
    before = user.role
    user.department_id = _department_for(session, role, department)
    user.role = role
    session.flush()
    record(
        session,
        by,
        "role_changed",
        f"user:{username}",
        from_state=before,
        to_state=role,
        department_id=user.department_id,
    )
    return user


def set_password(session: Session, username: str, password: str, *, by: str) -> ConsoleUser:
    """Change a password; the user's open sessions end (they carry the old stamp)."""
    user = find_user(session, username)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.flush()
    record(session, by, "password_set", f"user:{username}")
    return user


def set_active(session: Session, username: str, active: bool, *, by: str) -> ConsoleUser:
    user = find_user(session, username)
    user.active = active
    session.flush()
    record(session, by, "user_enabled" if active else "user_disabled", f"user:{username}")
    return user


def list_users(session: Session) -> list[tuple[ConsoleUser, str | None]]:
    return list(  # type: ignore[arg-type]
        session.execute(
            select(ConsoleUser, Department.short_name)
            .outerjoin(Department, Department.id == ConsoleUser.department_id)
            .order_by(ConsoleUser.username)
        ).all()
    )


def _recent_failures(session: Session, column, value: str, since: dt.datetime) -> int:  # type: ignore[no-untyped-def]
    return (
        session.scalar(
            select(func.count()).where(
                column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
            )
        )
        or 0
    )


UNLOCKED = "login_unlocked"  # the audit action that forgives a user name's failed logins


def _unlocked_at(session: Session, username: str) -> dt.datetime | None:
    return session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action == UNLOCKED, AuditEvent.subject == f"login:{username}"
        )
    )


@dataclass(frozen=True)
class FailedLogins:
    """A user name's failed logins within the rate-limit window, as an admin sees them."""

    username: str
    failures: int
    last_at: dt.datetime
    clients: tuple[str, ...]

    @property
    def locked(self) -> bool:
        return self.failures >= MAX_FAILURES_PER_NAME


def failed_logins(session: Session) -> list[FailedLogins]:
    """Every user name with failed logins in the window that no admin has unlocked since."""
    since = utcnow() - WINDOW
    rows = session.execute(
        select(LoginAttempt.username, LoginAttempt.client, LoginAttempt.at)
        .where(LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
        .order_by(LoginAttempt.at)
    ).all()
    grouped: dict[str, list[tuple[str, dt.datetime]]] = {}
    for username, client, at in rows:
        grouped.setdefault(username, []).append((client, at))
    listed = []
    for username, tries in grouped.items():
        unlocked = _unlocked_at(session, username)
        tries = [(c, at) for c, at in tries if unlocked is None or at > unlocked]
        if tries:
            clients = tuple(sorted({c for c, _ in tries}))
            listed.append(FailedLogins(username, len(tries), tries[-1][1], clients))
    return sorted(listed, key=lambda f: (not f.locked, f.username))


def unlock(session: Session, username: str, *, by: str) -> None:
    """Forgive a user name's failed logins so far (kept in the audit log, nothing deleted)."""
    username = username.strip()[:64]
    if not username:
        raise AccountError("which user name?")
    record(session, by, UNLOCKED, f"login:{username}")


def authenticate(session: Session, username: str, password: str, client: str) -> Account | None:
    """Check a login; return the account, or ``None``; raise :class:`RateLimited` when throttled.

    Every checked attempt is recorded; a refused (throttled) one is not, so a real user is locked
    out for ``WINDOW`` at most after the guessing stops.
    """
    username = username.strip()[:64]
    client = client[:64]
    now = utcnow()
    since = now - WINDOW
    unlocked = _unlocked_at(session, username)
    name_since = max(since, unlocked) if unlocked is not None else since
    if (
        _recent_failures(session, LoginAttempt.username, username, name_since)
        >= MAX_FAILURES_PER_NAME
        or _recent_failures(session, LoginAttempt.client, client, since) >= MAX_FAILURES_PER_CLIENT
    ):
        raise RateLimited(_("too many failed logins: try again in 15 minutes"))
    user = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.active
    session.add(LoginAttempt(username=username, client=client, at=now, succeeded=ok))
    if not ok or user is None:
        session.flush()
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    session.flush()
    return account_of(session, user)
