"""Which registered documents (发文登记) were never published, as known by an evidence cut-off.

A register row with a 文号 is published when a document of the same department with the same
normalised 文号 was on the platform by the cut-off. About one row in ten of a real register has
no 文号; such a row is published when a document of the same department, signed the same day,
carries the same title once normalised (:func:`normalise_title`: full-width forms folded,
spaces, punctuation and book-title marks dropped). A row matched by neither is ``missing``, or
``explained`` when a 不予公开说明 with its 文号 exists; classified (涉密) rows are never expected.
A row whose title a disclosure list showed, linking a page that is gone (``gone_pages``), is
``gone``: it was published (listed), so never ``missing``, and its lag is not judged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, exists, select, true
from sqlalchemy.orm import Session

from db.models import Attribution, DisclosureDocument, NondisclosureExplanation, SignedDocument
from scoring.assessment.gone import gone_document_entries
from scoring.assessment.lags import Day, to_date
from scoring.bulk import fetch_tuples

_NOT_IN_TITLE = re.compile(
    r"[\s《》〈〉“”‘’\"'「」『』()（）\[\]【】〔〕,，.。、:：;；!！?？·—\-_]+"
)


def normalise_title(title: str | None) -> str:
    """The comparison form of a document title."""
    return _NOT_IN_TITLE.sub("", unicodedata.normalize("NFKC", title or "")).lower()


def known_by(column, cutoff: dt.datetime | None) -> ColumnElement[bool]:  # type: ignore[no-untyped-def]
    """True for evidence recorded by ``cutoff`` (always, without a cut-off)."""
    return true() if cutoff is None else column <= cutoff


@dataclass(slots=True)  # one per unpublished register row: thousands a report
class UnpublishedEntry:
    """A register row that no published document matches."""

    register_id: int
    department_id: int
    doc_number: str | None
    doc_number_key: str | None
    title: str
    signed_on: Day
    explained: bool
    gone: bool = False  # listed on the platform, its page gone: published, unreadable

    @property
    def status(self) -> str:
        if self.gone:
            return "gone"
        return "explained" if self.explained else "missing"


def _register_filter(
    start: dt.date, end: dt.date, cutoff: dt.datetime | None, departments: Collection[int] | None
) -> list[ColumnElement[bool]]:
    register = SignedDocument
    conditions = [
        register.classified.is_(False),
        register.signed_on.between(start, end),
        known_by(register.imported_at, cutoff),
    ]
    if departments is not None:
        conditions.append(register.department_id.in_(list(departments)))
    return conditions


def unpublished_entries(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    cutoff: dt.datetime | None,
    departments: Collection[int] | None = None,
) -> list[UnpublishedEntry]:
    """Register rows signed in [start, end] that were not published by ``cutoff``."""
    register, doc, note = SignedDocument, DisclosureDocument, NondisclosureExplanation
    published_by_number = exists().where(
        doc.department_id == register.department_id,
        doc.doc_number_key == register.doc_number_key,
        known_by(doc.first_seen_at, cutoff),
    )
    explained = exists().where(
        note.department_id == register.department_id,
        note.doc_number_key == register.doc_number_key,
        known_by(note.imported_at, cutoff),
    )
    rows = fetch_tuples(
        session,
        select(
            register.id,
            register.department_id,
            register.doc_number,
            register.doc_number_key,
            register.title,
            register.signed_on,
            case((explained, 1), else_=0),
        )
        .where(*_register_filter(start, end, cutoff, departments))
        .where(register.doc_number_key.is_(None) | ~published_by_number)
        .order_by(register.department_id, register.signed_on, register.id),
    )
    unnumbered = {row[0]: row for row in rows if row[3] is None}
    matched = _matched_by_title(session, unnumbered, cutoff)
    gone = gone_titles(session, cutoff) if rows else set()
    return [
        UnpublishedEntry(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            bool(row[6]),
            _listed_gone(gone, row[1], row[4]),
        )
        for row in rows
        if row[0] not in matched
    ]


def gone_titles(session: Session, cutoff: dt.datetime | None) -> set[tuple[int | None, str]]:
    """(department or None, normalised title) of the listed documents whose page is gone."""
    return {
        (department_id, normalise_title(title))
        for department_id, title in gone_document_entries(session, cutoff)
    }


def _listed_gone(gone: set[tuple[int | None, str]], department_id: int, title: str) -> bool:
    """Whether a gone list entry shows this title: in the department's column, or any column."""
    key = normalise_title(title)
    return bool(key) and ((department_id, key) in gone or (None, key) in gone)


def _matched_by_title(
    session: Session,
    unnumbered: dict[int, tuple],  # type: ignore[type-arg]
    cutoff: dt.datetime | None,
) -> set[int]:
    """Ids of unnumbered rows published under the same title on the same signing day."""
    if not unnumbered:
        return set()
    doc = DisclosureDocument
    wanted = {(row[1], to_date(row[5])) for row in unnumbered.values()}
    departments = sorted({department_id for department_id, _ in wanted})
    days = sorted({day for _, day in wanted})
    titles: dict[tuple[int, dt.date | None], set[str]] = {}
    for chunk in range(0, len(departments), 500):  # a superset, narrowed here to the pairs
        for department_id, signed_on, title in fetch_tuples(
            session,
            select(doc.department_id, doc.signed_on, doc.title).where(
                doc.department_id.in_(departments[chunk : chunk + 500]),
                doc.signed_on.in_(days),
                doc.attribution == Attribution.DEPARTMENT,
                known_by(doc.first_seen_at, cutoff),
            ),
        ):
            key = (department_id, to_date(signed_on))
            if key in wanted:
                titles.setdefault(key, set()).add(normalise_title(title))
    return {
        row_id
        for row_id, row in unnumbered.items()
        if normalise_title(row[4]) in titles.get((row[1], to_date(row[5])), ())
    }
