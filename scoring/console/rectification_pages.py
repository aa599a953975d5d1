"""整改 pages: send a finding to its department, the liaison's answer, the reviewer's decision.

A reviewer sends a finding from its review item or from a department's documents; the
department's liaison answers on ``/rectifications/{id}`` (with attachments); a reviewer
accepts or rejects there. Attachments are served only as downloads, never shown inline.
"""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.responses import Response

from db.models import Department, Rectification, RectificationAnswer, RectificationAttachment
from scoring.assessment.lags import calendar_in_force
from scoring.console import data, queues
from scoring.console import rectification as loop
from scoring.console.accounts import READ_ROLES
from scoring.console.i18n import _
from scoring.console.routing import Ctx, HTTPError, action, not_found, page

LIAISONS = frozenset({"liaison"})
ATTACHMENT_CSP = "sandbox; default-src 'none'"


def _finding(ctx: Ctx) -> tuple[str, str, int, str, str]:
    """What is sent: from the review queue when it is a queue's, else from the form."""
    kind, key = ctx.field("kind"), ctx.field("subject_key")
    if kind in queues.QUEUES:
        entry = queues.find(ctx.db, ctx.rules, kind, key, ctx.now)
        if entry is None or entry.candidate.department_id is None:
            raise not_found(_("no such review item"))
        c = entry.candidate
        return kind, key, c.department_id, c.title, c.detail  # type: ignore[return-value]
    if kind not in loop.DOCUMENT_KINDS.values():
        raise HTTPError(400, _("this finding cannot be sent to a department"))
    try:
        department_id = int(key.partition(":")[0])
    except ValueError:
        raise HTTPError(400, _("this finding cannot be sent to a department")) from None
    return kind, key, department_id, ctx.field("title"), ctx.field("detail")


def send(ctx: Ctx) -> Response:
    kind, key, department_id, title, detail = _finding(ctx)
    if ctx.db.get(Department, department_id) is None:
        raise not_found()
    try:
        item = loop.send(
            ctx.db,
            calendar_in_force(),
            kind=kind,
            subject_key=key,
            department_id=department_id,
            title=title or key,
            detail=detail,
            by=ctx.user.username,
            now=ctx.now,
            working_days=ctx.rules.answer_working_days,
        )
    except loop.RectificationError as error:
        raise HTTPError(400, str(error)) from None
    message = _("sent to the department, to be answered by %(due)s") % {"due": item.due_on}
    return ctx.redirect(f"/rectifications/{item.id}", message)


def list_page(ctx: Ctx) -> Response:
    items = loop.for_departments(ctx.db, ctx.user.scope)
    names = data.department_names(ctx.db)
    return ctx.render(
        "rectifications.html", items=items, names=names, now=ctx.now, overdue=loop.overdue
    )


def _item(ctx: Ctx) -> Rectification:
    item = ctx.db.get(Rectification, ctx.request.path_params["item_id"])
    if item is None:
        raise not_found()
    ctx.see(item.department_id)
    return item


def item_page(ctx: Ctx, status: int = 200, error: str | None = None) -> Response:
    item = _item(ctx)
    answers = _answers(ctx, item)
    return ctx.render(
        "rectification.html",
        status,
        item=item,
        answers=answers,
        department=ctx.db.get(Department, item.department_id),
        can_answer=ctx.user.role == "liaison" and loop.can_answer(item),
        can_decide=ctx.user.can_write and item.state == "answered",
        overdue=loop.overdue(item, ctx.now),
        error=error,
        max_mb=loop.MAX_ATTACHMENT_BYTES // (1024 * 1024),
    )


def _answers(
    ctx: Ctx, item: Rectification
) -> list[tuple[RectificationAnswer, list[RectificationAttachment]]]:
    answers = ctx.db.scalars(
        select(RectificationAnswer)
        .where(RectificationAnswer.rectification_id == item.id)
        .order_by(RectificationAnswer.id)
    ).all()
    files = ctx.db.execute(
        select(
            RectificationAttachment.id,
            RectificationAttachment.answer_id,
            RectificationAttachment.filename,
            RectificationAttachment.size,
            RectificationAttachment.sha256,
        ).where(RectificationAttachment.answer_id.in_([a.id for a in answers]))
    ).all()
    return [(a, [f for f in files if f.answer_id == a.id]) for a in answers]


def answer(ctx: Ctx) -> Response:
    item = _item(ctx)
    uploads = []
    for value in ctx.form.getlist("files") if hasattr(ctx.form, "getlist") else []:
        if isinstance(value, UploadFile) and value.filename:
            content = value.file.read(loop.MAX_ATTACHMENT_BYTES + 1)
            uploads.append(loop.Upload(value.filename, content))
    try:
        loop.answer(ctx.db, item, ctx.field("text"), uploads, by=ctx.user.username)
    except loop.RectificationError as error:
        return item_page(ctx, 400, str(error))
    return ctx.redirect(f"/rectifications/{item.id}", _("answer sent for review"))


def decide(ctx: Ctx) -> Response:
    item = _item(ctx)
    accept = ctx.field("decision") == "accept"
    try:
        loop.decide(ctx.db, item, accept, ctx.field("reason"), by=ctx.user.username, now=ctx.now)
    except loop.RectificationError as error:
        return item_page(ctx, 400, str(error))
    message = _("accepted: the finding is explained") if accept else _("rejected")
    return ctx.redirect(f"/rectifications/{item.id}", message)


def attachment(ctx: Ctx) -> Response:
    stored = ctx.db.get(RectificationAttachment, ctx.request.path_params["file_id"])
    if stored is None:
        raise not_found()
    reply = ctx.db.get(RectificationAnswer, stored.answer_id)
    item = ctx.db.get(Rectification, reply.rectification_id) if reply else None
    if item is None:
        raise not_found()
    ctx.see(item.department_id)
    ascii_name = stored.filename.encode("ascii", "replace").decode().replace("?", "_")
    return Response(
        stored.content,
        media_type="application/octet-stream",
        headers={
            "content-disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.filename)}"
            ),
            "content-security-policy": ATTACHMENT_CSP,
            "x-content-type-options": "nosniff",
            "x-attachment-sha256": stored.sha256,
        },
    )


ROUTES = [
    action("/rectifications", send),
    page("/rectifications", list_page, READ_ROLES),
    page("/rectifications/{item_id:id}", item_page, READ_ROLES),
    action(
        "/rectifications/{item_id:id}/answer", answer, LIAISONS, max_files=loop.MAX_ATTACHMENTS + 1
    ),
    action("/rectifications/{item_id:id}/decide", decide),
    page("/rectifications/files/{file_id:id}", attachment, READ_ROLES),
]
