"""The 整改 loop: send a finding to its department, take its answer, accept or reject it.

States (:class:`db.models.RectificationState`): ``sent`` → ``answered`` → ``accepted`` or
``rejected``; after a first rejection the department may answer once more. Every step is in the
audit log. An accepted answer about a document (a 文号 gap, a document not disclosed) is stored
as the department's 不予公开说明, so the assessment counts the document ``explained`` exactly
as it counts the explanations imported today; other findings are shown as explained.

Attachments: PDF, images and office files, recognised by their content (not their name or the
browser's type), at most ``MAX_ATTACHMENT_BYTES`` each, stored with their sha256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.docnumber import doc_number_key
from db.models import (
    NondisclosureExplanation,
    Rectification,
    RectificationAnswer,
    RectificationAttachment,
    RectificationState,
)
from db.workdays import WorkdayCalendar
from scoring.assessment.periods import SHANGHAI
from scoring.console.audit import record
from scoring.console.i18n import _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
ANSWERS_AFTER_REJECTION = 1  # the department may answer once more after a rejection
EXPLANATION_SOURCE = "console:rectification:{id}"
# findings about a document number not disclosed: an accepted answer is a 不予公开说明
EXPLAINABLE_KINDS = ("number_gap", "missing_document")
# findings sent from a department's documents (keys "<department id>:<文号 or title>")
DOCUMENT_KINDS = {"late": "late_document", "missing": "missing_document"}

# (magic bytes, media type); office files are zip (docx/xlsx/pptx) or OLE2 (doc/xls/ppt)
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)
OFFICE_SUFFIXES = {
    "application/zip": (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"),
    "application/x-ole-storage": (".doc", ".xls", ".ppt", ".wps", ".et"),
}


class RectificationError(ValueError):
    """A step that cannot be taken; the message (translated) says why."""


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


def sniff(upload: Upload) -> str:
    """The media type of ``upload`` from its first bytes; refuse what is not allowed."""
    if len(upload.content) > MAX_ATTACHMENT_BYTES:
        raise RectificationError(
            _("%(name)s is larger than %(mb)s MB")
            % {"name": upload.filename, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    for magic, media in SIGNATURES:
        if upload.content.startswith(magic):
            suffixes = OFFICE_SUFFIXES.get(media)
            if suffixes is not None and not upload.filename.lower().endswith(suffixes):
                break  # a zip or OLE file that is not an office document
            return media
    raise RectificationError(
        _("%(name)s is not a PDF, an image or an office file") % {"name": upload.filename}
    )


def find(session: Session, kind: str, subject_key: str) -> Rectification | None:
    return session.scalar(
        select(Rectification).where(
            Rectification.kind == kind, Rectification.subject_key == subject_key
        )
    )


def send(
    session: Session,
    calendar: WorkdayCalendar,
    *,
    kind: str,
    subject_key: str,
    department_id: int,
    title: str,
    detail: str,
    by: str,
    now: dt.datetime,
    working_days: int,
) -> Rectification:
    """Send a finding to its department, due ``working_days`` working days from today (the
    rules file's ``rectification.answer_working_days``)."""
    if find(session, kind, subject_key) is not None:
        raise RectificationError(_("this finding has already been sent to its department"))
    today = now.astimezone(SHANGHAI).date()
    item = Rectification(
        kind=kind,
        subject_key=subject_key[:256],
        department_id=department_id,
        title=title[:512],
        detail=detail,
        state=RectificationState.SENT,
        sent_by=by,
        sent_at=now,
        due_on=calendar.add_working_days(today, working_days),
    )
    session.add(item)
    session.flush()
    _log(session, item, by, "rectification_sent", None, details={"due_on": str(item.due_on)})
    return item


def can_answer(item: Rectification) -> bool:
    return item.state == RectificationState.SENT or (
        item.state == RectificationState.REJECTED and item.rejections <= ANSWERS_AFTER_REJECTION
    )


def answer(
    session: Session, item: Rectification, text: str, uploads: list[Upload], *, by: str
) -> RectificationAnswer:
    """The department's answer, with its attachments (each checked by content)."""
    if not can_answer(item):
        raise RectificationError(_("this finding takes no more answers"))
    if not text.strip():
        raise RectificationError(_("an answer needs an explanation"))
    if len(uploads) > MAX_ATTACHMENTS:
        raise RectificationError(_("at most %(n)s attachments") % {"n": MAX_ATTACHMENTS})
    checked = [(upload, sniff(upload)) for upload in uploads]
    reply = RectificationAnswer(rectification_id=item.id, text=text.strip(), answered_by=by)
    session.add(reply)
    session.flush()
    for upload, media in checked:
        session.add(
            RectificationAttachment(
                answer_id=reply.id,
                filename=_safe_name(upload.filename),
                media_type=media,
                size=len(upload.content),
                sha256=hashlib.sha256(upload.content).hexdigest(),
                content=upload.content,
            )
        )
    before = item.state
    item.state = RectificationState.ANSWERED
    session.flush()
    _log(session, item, by, "rectification_answered", before, details={"files": len(checked)})
    return reply


def decide(
    session: Session, item: Rectification, accept: bool, reason: str, *, by: str, now: dt.datetime
) -> None:
    """Accept the answer (the finding is explained) or reject it with a reason."""
    if item.state != RectificationState.ANSWERED:
        raise RectificationError(_("only an answered finding can be accepted or rejected"))
    if not accept and not reason.strip():
        raise RectificationError(_("a rejection needs a reason"))
    before = item.state
    item.state = RectificationState.ACCEPTED if accept else RectificationState.REJECTED
    item.rejections += 0 if accept else 1
    item.decided_by, item.decided_at = by, now
    item.decision_reason = reason.strip() or None
    if accept:
        _explain(session, item)
    session.flush()
    action = "rectification_accepted" if accept else "rectification_rejected"
    _log(session, item, by, action, before, reason=item.decision_reason)


def _explain(session: Session, item: Rectification) -> None:
    """Store an accepted answer about a document number as the department's explanation."""
    number = document_number(item)
    key = doc_number_key(number) if number else None
    if not key:
        return
    exists = session.scalar(
        select(NondisclosureExplanation.id).where(
            NondisclosureExplanation.department_id == item.department_id,
            NondisclosureExplanation.doc_number_key == key,
        )
    )
    if exists is None:
        answers = session.scalars(
            select(RectificationAnswer.text)
            .where(RectificationAnswer.rectification_id == item.id)
            .order_by(RectificationAnswer.id.desc())
        )
        session.add(
            NondisclosureExplanation(
                department_id=item.department_id,
                doc_number=number,
                doc_number_key=key,
                reason=next(iter(answers), ""),
                source_file=EXPLANATION_SOURCE.format(id=item.id),
            )
        )


def document_number(item: Rectification) -> str | None:
    """The 文号 a finding is about, when it is about one (a gap, or a register row)."""
    if item.kind in EXPLAINABLE_KINDS:
        return item.subject_key.partition(":")[2] or None
    return None


def _safe_name(name: str) -> str:
    """The file's base name without path or control characters, for the download header."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>')
    return cleaned[:200] or "attachment"


def _log(
    session: Session,
    item: Rectification,
    by: str,
    action: str,
    before: str | None,
    *,
    reason: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    record(
        session,
        by,
        action,
        f"rectification:{item.id}",
        department_id=item.department_id,
        from_state=before,
        to_state=item.state,
        reason=reason,
        details={"finding": f"{item.kind}:{item.subject_key}", **(details or {})},
    )


def for_departments(session: Session, scope: set[int] | None) -> list[Rectification]:
    """Every finding sent, newest first; a liaison's department's only."""
    query = select(Rectification).order_by(Rectification.id.desc())
    if scope is not None:
        query = query.where(Rectification.department_id.in_(scope))
    return list(session.scalars(query))


def explained_by(session: Session, cutoff: dt.datetime) -> list[Rectification]:
    """Findings whose department's answer was accepted by ``cutoff``: a report lists them."""
    return list(
        session.scalars(
            select(Rectification)
            .where(
                Rectification.state == RectificationState.ACCEPTED,
                Rectification.decided_at <= cutoff,
            )
            .order_by(Rectification.department_id, Rectification.id)
        )
    )


def overdue(item: Rectification, now: dt.datetime) -> bool:
    return item.state == RectificationState.SENT and now.astimezone(SHANGHAI).date() > item.due_on
