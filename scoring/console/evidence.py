"""A stored page (证据), shown so that nothing in it can run in the console's origin.

The page's bytes are served from ``/evidence/{id}/body`` with ``Content-Security-Policy:
sandbox`` (a unique, opaque origin, no scripts, no forms, no popups, even when opened on its
own), ``default-src 'none'`` (nothing fetched: not the original site's images, not the
console's URLs), and framed by the evidence page in an ``<iframe sandbox>`` without
``allow-scripts`` or ``allow-same-origin``. The source view escapes every character.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from starlette.responses import Response

from db.models import Attribution, Department, DisclosureDocument, FetchedPage, PortalPost
from db.pages import read_page_body
from scoring.console.routing import Ctx, not_found, page

BODY_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)
SHOWN_TYPES = ("text/html", "text/plain", "application/xhtml+xml")


def visible_page(ctx: Ctx) -> FetchedPage:
    """The page asked for, if it exists and this user may see it (a liaison: its evidence)."""
    page_id = ctx.request.path_params["page_id"]
    fetched = ctx.db.get(FetchedPage, page_id)
    if fetched is None:
        raise not_found()
    scope = ctx.user.scope
    if scope is not None:
        own = ctx.db.scalar(
            select(
                or_(
                    exists().where(
                        PortalPost.page_id == page_id,
                        PortalPost.attribution == Attribution.DEPARTMENT,
                        PortalPost.department_id.in_(scope),
                    ),
                    exists().where(
                        DisclosureDocument.page_id == page_id,
                        DisclosureDocument.attribution == Attribution.DEPARTMENT,
                        DisclosureDocument.department_id.in_(scope),
                    ),
                )
            )
        )
        if not own:
            raise not_found()
    return fetched


def evidence_page(ctx: Ctx) -> Response:
    fetched = visible_page(ctx)
    posts = ctx.db.execute(
        select(PortalPost, Department.short_name)
        .outerjoin(Department, Department.id == PortalPost.department_id)
        .where(PortalPost.page_id == fetched.id)
    ).all()
    documents = ctx.db.execute(
        select(DisclosureDocument, Department.short_name)
        .outerjoin(Department, Department.id == DisclosureDocument.department_id)
        .where(DisclosureDocument.page_id == fetched.id)
    ).all()
    scope = ctx.user.scope
    if scope is not None:  # a shared page may also hold another department's post
        posts = [(p, n) for p, n in posts if p.department_id in scope]
        documents = [(d, n) for d, n in documents if d.department_id in scope]
    size = len(read_page_body(ctx.db, fetched.sha256))
    return ctx.render(
        "evidence.html",
        page=fetched,
        history=True,
        size=size,
        posts=posts,
        documents=documents,
        original=fetched.final_url
        if fetched.final_url.startswith(("http://", "https://"))
        else None,
    )


def evidence_body(ctx: Ctx) -> Response:
    fetched = visible_page(ctx)
    body = read_page_body(ctx.db, fetched.sha256)
    media = (fetched.content_type or "text/html").split(";")[0].strip().lower()
    headers = {
        "content-security-policy": BODY_CSP,
        "x-frame-options": "SAMEORIGIN",
        "cross-origin-resource-policy": "same-origin",
    }
    if media not in SHOWN_TYPES:
        headers["content-disposition"] = f'attachment; filename="page-{fetched.id}"'
        return Response(body, media_type="application/octet-stream", headers=headers)
    charset = fetched.encoding or "utf-8"
    return Response(body, headers={**headers, "content-type": f"{media}; charset={charset}"})


def evidence_source(ctx: Ctx) -> Response:
    fetched = visible_page(ctx)
    body = read_page_body(ctx.db, fetched.sha256)
    try:
        text = body.decode(fetched.encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding name Python does not know
        text = body.decode("utf-8", errors="replace")
    return ctx.render("evidence_source.html", page=fetched, text=text)


ROUTES = [
    page("/evidence/{page_id:id}", evidence_page),
    page("/evidence/{page_id:id}/body", evidence_body),
    page("/evidence/{page_id:id}/source", evidence_source),
]
