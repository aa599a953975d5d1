"""Analyst entries (人工评分): the log, a form to add one, note-3 suggestions, what is missing.

Entries go through the same validation and table as ``scoring manual add``; the console fills
in who entered them from the logged-in user, never from the form.
"""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import Response

from db.models import Department
from db.models.base import values
from db.models.registry import UnitKind
from scoring.console import data
from scoring.console.audit import record
from scoring.console.board import chosen_year
from scoring.console.routing import Ctx, HTTPError, action, page
from scoring.entries.manual import KINDS, ManualEntryError


def entries_page(ctx: Ctx) -> Response:
    year = chosen_year(ctx)
    scope = ctx.user.scope
    units = ctx.db.scalars(select(Department).order_by(Department.kind.desc(), Department.id))
    units = [u for u in units if scope is None or u.id in scope]
    names = {u.id: u.short_name for u in units}
    assessment = data.assess_year(ctx.db, ctx.rules, year, ctx.now)  # totals are the city's
    credits = data.suggestions(assessment)
    return ctx.render(
        "entries.html",
        year=year,
        entries=data.entries(ctx.db, scope),
        names=names,
        units=units,
        kinds=KINDS,
        subitems={kind: ctx.rules.rubric_for(kind).subitems() for kind in values(UnitKind)},
        suggestions=[(names[d], c) for d, c in sorted(credits.items()) if d in names],
        suggestion_policy=ctx.rules.suggestions,
        readiness=data.readiness(assessment, scope),
    )


def add_entry(ctx: Ctx) -> Response:
    try:
        entry = data.add_entry(
            ctx.db,
            ctx.rules,
            department=ctx.field("department"),
            item_key=ctx.field("item_key"),
            period=ctx.field("period"),
            points=ctx.field("points") or None,
            reason=ctx.field("reason"),
            entered_by=ctx.user.username,
            kind=ctx.field("kind") or "score",
        )
    except ManualEntryError as error:
        raise HTTPError(400, str(error)) from None
    record(
        ctx.db,
        ctx.user.username,
        "manual_entry",
        f"manual_score:{entry.id}",
        department_id=entry.department_id,
        reason=entry.reason,
        details={
            "item_key": entry.item_key,
            "period": entry.period,
            "kind": entry.kind,
            "points": str(entry.points),
        },
    )
    return ctx.redirect("/entries", f"entry {entry.id} stored")


ROUTES = [page("/entries", entries_page), action("/entries", add_entry)]
