"""Review pages: the queues, one item with its history, the steps, and the audit log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import quote

from starlette.responses import Response

from db.attribution import AliasConflictError, UnknownDepartmentError
from db.models.base import values
from db.models.console import ReviewState
from scoring.assessment.periods import shanghai_midnight
from scoring.console import data, queues, rectification
from scoring.console.accounts import ALL_DEPARTMENTS
from scoring.console.audit import AuditFilter, actors, filtered_events, recent_events
from scoring.console.board import chosen_year
from scoring.console.i18n import N_, _
from scoring.console.routing import (
    FIRST_YEAR,
    LAST_YEAR,
    Ctx,
    HTTPError,
    action,
    not_found,
    page,
)

STATES = tuple(values(ReviewState))
STEP_NAMES = {
    "confirm": N_("confirmed"),
    "dismiss": N_("dismissed"),
    "fix": N_("marked fixed"),
    "reopen": N_("reopened"),
}
PER_PAGE = 100  # items on one page of a queue; the counts are always of the whole queue


def _queue(ctx: Ctx) -> queues.Queue:
    queue = queues.QUEUES.get(ctx.request.path_params["kind"])
    if queue is None:
        raise not_found(_("no such review queue"))
    if queue.city_wide and ctx.user.scope is not None:
        raise not_found(_("no such review queue"))  # findings of nobody's department
    return queue


def _visible_queues(ctx: Ctx) -> list[queues.Queue]:
    return [q for q in queues.QUEUES.values() if not (q.city_wide and ctx.user.scope is not None)]


def overview(ctx: Ctx) -> Response:
    year = chosen_year(ctx)
    summary = []
    for queue in _visible_queues(ctx):
        states = Counter(
            e.state for e in queues.entries(ctx.db, queue, ctx.rules, year, ctx.now, ctx.user.scope)
        )
        summary.append((queue, states))
    return ctx.render("reviews.html", summary=summary, year=year, states=STATES)


def queue_page(ctx: Ctx) -> Response:
    queue = _queue(ctx)
    year = chosen_year(ctx)
    state = ctx.query.get("state", "open")
    listed = queues.entries(ctx.db, queue, ctx.rules, year, ctx.now, ctx.user.scope)
    if state in STATES:
        listed = [e for e in listed if e.state == state]
    pages = max(1, -(-len(listed) // PER_PAGE))
    number = _page_number(ctx.query.get("page", "1"), pages)
    return ctx.render(
        "queue.html",
        queue=queue,
        entries=listed[(number - 1) * PER_PAGE : number * PER_PAGE],
        total=len(listed),
        page=number,
        pages=pages,
        state=state,
        states=STATES,
        year=year,
        names=_department_names(ctx),
        reasons=queues.DISMISS_REASONS,
    )


def _page_number(text: str, pages: int) -> int:
    """The page asked for, kept within the queue's pages (a stale link shows the last one)."""
    try:
        return min(max(1, int(text)), pages)
    except ValueError:
        raise HTTPError(400, f"not a page number: {text!r}") from None


def item_page(ctx: Ctx) -> Response:
    queue = _queue(ctx)
    entry = queues.find(ctx.db, ctx.rules, queue.kind, ctx.query.get("key", ""), ctx.now)
    if entry is None:
        raise not_found(_("no such review item"))
    ctx.see(entry.candidate.department_id)
    history = recent_events(ctx.db, review_item_id=entry.item.id) if entry.item else []
    sent = rectification.find(ctx.db, queue.kind, entry.candidate.subject_key)
    return ctx.render(
        "review_item.html",
        queue=queue,
        entry=entry,
        history=history,
        sent=sent,
        names=_department_names(ctx),
        reasons=queues.DISMISS_REASONS,
        units=data.departments(ctx.db),
    )


def _department_names(ctx: Ctx) -> dict[int, str]:
    return data.department_names(ctx.db)


def _item_url(kind: str, key: str) -> str:
    return f"/reviews/{kind}/item?key={quote(key, safe='')}"


def _entry_from_form(ctx: Ctx, queue: queues.Queue) -> queues.Entry:
    entry = queues.find(ctx.db, ctx.rules, queue.kind, ctx.field("subject_key"), ctx.now)
    if entry is None:
        raise not_found(_("no such review item"))
    return entry


def take_step(ctx: Ctx) -> Response:
    queue = _queue(ctx)
    entry = _entry_from_form(ctx, queue)
    reason = ctx.field("reason_other") or ctx.field("reason")
    try:
        queues.step(
            ctx.db, entry, ctx.field("action"), ctx.user.username, reason, ctx.field("note")
        )
    except queues.ReviewError as error:
        raise HTTPError(400, str(error)) from None
    back = ctx.field("back") or _item_url(queue.kind, entry.candidate.subject_key)
    return ctx.redirect(
        back if back.startswith("/reviews") else "/reviews",
        _("done: %(step)s") % {"step": _(STEP_NAMES[ctx.field("action")])},
    )


def resolve_alias(ctx: Ctx) -> Response:
    queue = _queue(ctx)
    if queue.kind != "unresolved_name":
        raise not_found()
    entry = _entry_from_form(ctx, queue)
    alias = ctx.field("alias") or entry.candidate.title
    try:
        _alias, moved = queues.resolve_name(
            ctx.db, entry, ctx.field("department"), alias, ctx.user.username
        )
    except (queues.ReviewError, AliasConflictError, UnknownDepartmentError) as error:
        raise HTTPError(400, str(error)) from None
    return ctx.redirect(
        f"/reviews/{queue.kind}?state=open",
        _(
            "%(alias)s now names %(department)s: %(posts)s posts and %(documents)s documents "
            "re-attributed"
        )
        % {
            "alias": alias,
            "department": ctx.field("department"),
            "posts": moved.posts,
            "documents": moved.documents,
        },
    )


def audit_page(ctx: Ctx) -> Response:
    wanted = AuditFilter(
        actor=ctx.query.get("actor", "").strip(),
        subject=(ctx.query.get("subject") or ctx.query.get("q") or "").strip(),
        since=_day(ctx.query.get("since", "")),
        until=_day(ctx.query.get("until", ""), after=True),
    )
    try:
        asked = int(ctx.query.get("page", "1"))
    except ValueError:
        raise HTTPError(400, "not a page number") from None
    number = max(1, asked)
    events, total = filtered_events(ctx.db, wanted, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    return ctx.render(
        "audit.html",
        events=events,
        total=total,
        page=number,
        pages=pages,
        wanted=wanted,
        actors=actors(ctx.db),
        query=ctx.query,
    )


def _day(text: str, *, after: bool = False) -> dt.datetime | None:
    """A date typed in the filter as the instant it begins in Asia/Shanghai (``after``: ends)."""
    if not text.strip():
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise HTTPError(400, f"not a date: {text!r} (expected YYYY-MM-DD)") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise HTTPError(400, f"not a date the console shows: {text!r}")
    return shanghai_midnight(day + dt.timedelta(days=1) if after else day)


ROUTES = [
    page("/reviews", overview),
    page("/reviews/{kind}", queue_page),
    page("/reviews/{kind}/item", item_page),
    action("/reviews/{kind}/step", take_step),
    action("/reviews/{kind}/alias", resolve_alias),
    page("/audit", audit_page, ALL_DEPARTMENTS),
]
