"""Attribute evidence to units through the alias table, and keep the review queue.

The crawler stores every post and document with its source name as written and normalised,
resolved or not. Names that match nothing wait in ``unresolved_names``; when an analyst adds an
alias, :func:`reattribute` credits the earlier evidence with that name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from db.models import (
    Attribution,
    Department,
    DepartmentAlias,
    DisclosureDocument,
    ExternalSource,
    NameStatus,
    PortalPost,
    UnresolvedName,
    utcnow,
)
from db.names import NameResolver, normalize_name

MAX_EXAMPLES = 3


class UnknownDepartmentError(LookupError):
    """No unit has that short name."""


class AliasConflictError(ValueError):
    """The alias already names another unit."""


def load_resolver(session: Session) -> NameResolver:
    """Build a resolver from the alias table as it is now."""
    rows = session.execute(select(DepartmentAlias.normalized, DepartmentAlias.department_id))
    aliases = {normalized: department_id for normalized, department_id in rows}
    external = session.scalars(select(ExternalSource.normalized))
    return NameResolver(aliases, external)


def find_department(session: Session, short_name: str) -> Department:
    """Return the unit with ``short_name`` or raise :class:`UnknownDepartmentError`."""
    department = session.scalar(select(Department).where(Department.short_name == short_name))
    if department is None:
        raise UnknownDepartmentError(f"no department or county named {short_name!r}")
    return department


def add_alias(session: Session, short_name: str, alias: str, added_by: str) -> DepartmentAlias:
    """Add an analyst's alias; adding the same alias for the same unit again is a no-op."""
    department = find_department(session, short_name)
    key = normalize_name(alias)
    if not key:
        raise AliasConflictError("an alias cannot be blank")
    existing = session.scalar(select(DepartmentAlias).where(DepartmentAlias.normalized == key))
    if existing is not None:
        if existing.department_id != department.id:
            owner = session.get(Department, existing.department_id)
            raise AliasConflictError(
                f"{alias!r} already names {owner.short_name if owner else '?'}"
            )
        return existing
    row = DepartmentAlias(
        department_id=department.id,
        alias=alias,
        normalized=key,
        source="analyst",
        added_by=added_by,
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class ReattributionSummary:
    posts: int
    documents: int


def reattribute(session: Session) -> ReattributionSummary:
    """Resolve again every unresolved post and document name; mark matched queue entries."""
    resolver = load_resolver(session)
    counts = []
    for model, name_column in (
        (PortalPost, PortalPost.source_normalized),
        (DisclosureDocument, DisclosureDocument.issuer_normalized),
    ):
        names = session.scalars(
            select(name_column).where(model.attribution == Attribution.UNRESOLVED).distinct()
        )
        changed = 0
        for name in list(names):
            result = resolver.resolve(name)
            if result.kind == Attribution.UNRESOLVED:
                continue
            changed += session.execute(
                update(model)
                .where(model.attribution == Attribution.UNRESOLVED, name_column == name)
                .values(attribution=result.kind, department_id=result.department_id)
            ).rowcount
        counts.append(changed)
    for entry in session.scalars(
        select(UnresolvedName).where(UnresolvedName.status == NameStatus.OPEN)
    ):
        result = resolver.resolve(entry.normalized)
        if result.kind != Attribution.UNRESOLVED:
            entry.status = "resolved"
            entry.department_id = result.department_id
    session.flush()
    return ReattributionSummary(posts=counts[0], documents=counts[1])


_EVIDENCE_NAMES = (
    (PortalPost, PortalPost.source_text, PortalPost.source_normalized, PortalPost.canonical_url),
    (
        DisclosureDocument,
        DisclosureDocument.issuer_text,
        DisclosureDocument.issuer_normalized,
        DisclosureDocument.url,
    ),
)


@dataclass
class _Observed:
    text: str
    count: int = 0
    urls: list[str] = field(default_factory=list)


def refresh_review_queue(session: Session, names: Iterable[str | None] | None = None) -> int:
    """Rebuild counts and examples of unresolved names from the evidence; return open entries.

    ``names`` (normalised; None for evidence without a name) limits the refresh to those
    names, each counted through its index: what a crawl run does with the names it stored, so
    its cost follows the run, not the archive. Without ``names`` every name is rebuilt (after
    an alias is added, evidence may have left the queue).
    """
    wanted = None if names is None else set(names)
    if wanted is not None and not wanted:
        return _open_entries(session)
    observed: dict[str, _Observed] = {}
    for model, text_column, name_column, url_column in _EVIDENCE_NAMES:
        unresolved = model.attribution == Attribution.UNRESOLVED
        query = select(name_column, func.count(), func.min(text_column)).where(unresolved)
        if wanted is not None:
            query = query.where(_named(name_column, wanted))
        rows = session.execute(query.group_by(name_column))
        for name, count, text in rows.all():
            entry = observed.setdefault(name or "", _Observed(text=text or ""))
            entry.count += count
            if len(entry.urls) < MAX_EXAMPLES:
                same_name = name_column.is_(None) if name is None else name_column == name
                urls = session.scalars(
                    select(url_column).where(unresolved, same_name).limit(MAX_EXAMPLES)
                )
                entry.urls = [*entry.urls, *urls][:MAX_EXAMPLES]
    queued = select(UnresolvedName)
    if wanted is not None:
        queued = queued.where(UnresolvedName.normalized.in_({n or "" for n in wanted}))
    queue = {e.normalized: e for e in session.scalars(queued)}
    now = utcnow()
    for name, entry in observed.items():
        row = queue.get(name)
        if row is None:
            row = UnresolvedName(normalized=name, example_text=entry.text[:256], first_seen_at=now)
            session.add(row)
        elif row.status == NameStatus.RESOLVED:
            row.status = "open"
        row.occurrences = entry.count
        row.example_urls = entry.urls
        row.last_seen_at = now
    for name, row in queue.items():
        if name not in observed and row.status == NameStatus.OPEN:
            row.status = "resolved"
            row.occurrences = 0
    session.flush()
    return _open_entries(session)


def _named(name_column: Any, names: set[str | None]) -> ColumnElement[bool]:
    """``name_column`` is one of ``names`` (None and "" both meaning no name)."""
    given = sorted(n for n in names if n)
    condition = name_column.in_(given)
    if None in names or "" in names:
        condition = or_(condition, name_column.is_(None))
    return condition


def _open_entries(session: Session) -> int:
    open_entries = select(func.count()).where(UnresolvedName.status == NameStatus.OPEN)
    return session.scalar(open_entries) or 0
