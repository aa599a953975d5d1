"""整改说明: listed documents explained by a department's answer that a reviewer accepted.

A finding about a document (a late, missing or undated document, a 文号 gap) may be sent to its
department (:mod:`scoring.console.rectification`); once a reviewer accepts the department's
answer, the finding is explained. This module is the one home of that verdict for the
assessment: :func:`accepted_rectifications` reads the accepted answers in force at the
evidence cut-off (accepted by then) in one query, and :meth:`Rectified.of` says which of them
covers a listed document, so every report and ``scoring explain`` print the same thing.

It changes no number. A missing document or a 文号 gap explained this way is already counted
``explained`` through the 不予公开说明 the acceptance stores; a late document stays late in the
on-time share, because the rules grant no exemption for lateness (docs/analysts.md): the report
only says that the department's explanation was accepted, by whom and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, literal, select
from sqlalchemy.orm import Session

from db.docnumber import doc_number_key
from db.models import DisclosureDocument, Rectification, RectificationState
from scoring.assessment.periods import SHANGHAI

#: Findings about one document of a department, keyed "<department id>:<文号 or title>".
DOCUMENT_FINDING_KINDS = ("late_document", "missing_document", "number_gap")
#: The undated documents' review queue keys its findings "document:<disclosure_documents.id>".
UNDATED_KIND, UNDATED_PREFIX = "undated_document", "document:"
ACCEPTED_LABEL = "已采纳 #{id} ({day}, {by})"


@dataclass(frozen=True)
class RectifiedDocument:
    """An accepted answer that explains one document: which rectification, when, by whom."""

    rectification_id: int
    kind: str
    accepted_at: dt.datetime
    accepted_by: str

    @property
    def label(self) -> str:
        """As reports print it: ``已采纳 #12 (2012-04-03, 王芳)``, the day in Asia/Shanghai."""
        day = self.accepted_at.astimezone(SHANGHAI).date().isoformat()
        return ACCEPTED_LABEL.format(id=self.rectification_id, day=day, by=self.accepted_by)


@dataclass(frozen=True)
class Rectified:
    """The accepted answers in force, by (department, normalised 文号 or title)."""

    by_document: dict[tuple[int, str], RectifiedDocument] = field(default_factory=dict)

    def of(
        self, department_id: int, doc_number: str | None, title: str | None = None
    ) -> RectifiedDocument | None:
        """The accepted answer covering a department's document, found by 文号, else title."""
        for key in (doc_number_key(doc_number), doc_number, title):
            if key:
                found = self.by_document.get((department_id, key))
                if found is not None:
                    return found
        return None

    def label_of(
        self, department_id: int, doc_number: str | None, title: str | None = None
    ) -> str | None:
        found = self.of(department_id, doc_number, title)
        return found.label if found is not None else None


def accepted_rectifications(
    session: Session, cutoff: dt.datetime, departments: Collection[int] | None = None
) -> Rectified:
    """Every document finding whose answer was accepted by ``cutoff`` (pending, rejected or
    accepted later: none)."""
    r, doc = Rectification, DisclosureDocument
    query = (
        select(
            r.id,
            r.kind,
            r.subject_key,
            r.department_id,
            r.decided_at,
            r.decided_by,
            func.coalesce(doc.doc_number_key, doc.title),
        )
        .outerjoin(
            doc,
            and_(
                r.kind == UNDATED_KIND,
                r.subject_key == literal(UNDATED_PREFIX) + cast(doc.id, String),
            ),
        )
        .where(
            r.state == RectificationState.ACCEPTED,
            r.kind.in_((*DOCUMENT_FINDING_KINDS, UNDATED_KIND)),
            r.decided_at <= cutoff,
        )
    )
    if departments is not None:
        query = query.where(r.department_id.in_(list(departments)))
    found: dict[tuple[int, str], RectifiedDocument] = {}
    for rid, kind, subject_key, department_id, decided_at, decided_by, document in session.execute(
        query.order_by(r.id)
    ):
        subject = document if kind == UNDATED_KIND else subject_key.partition(":")[2]
        if not subject or decided_at is None:
            continue
        key = doc_number_key(subject) or subject
        found[(department_id, key)] = RectifiedDocument(rid, kind, decided_at, decided_by or "")
    return Rectified(found)
