"""Analyst entries (人工评分): the log, a form to add one, note-3 suggestions, what is missing.

Entries go through the same validation and table as ``scoring manual add``
(:func:`scoring.entries.manual.add_entry`, the one home of what an entry may be); the console
fills in who entered them from the logged-in user, never from the form.
"""

from __future__ import annotations

from starlette.responses import Response

from db.models.base import values as vocabulary
from db.models.registry import UnitKind
from scoring.console import data
from scoring.console.audit import record
from scoring.console.board import chosen_year
from scoring.console.i18n import _
from scoring.console.routing import Ctx, action, page
from scoring.entries.manual import (
    KINDS,
    ComputedSubitemError,
    ManualEntryError,
    PeriodNotBegunError,
)

FIELDS = ("department", "item_key", "period", "kind", "points", "reason")


def entries_page(ctx: Ctx) -> Response:
    return _entries_page(ctx)


def _entries_page(
    ctx: Ctx, status: int = 200, error: str | None = None, values: dict[str, str] | None = None
) -> Response:
    """The page; after a refused entry, with the message and the values typed (status 400)."""
    year = chosen_year(ctx)
    scope = ctx.user.scope
    units = data.departments(ctx.db, scope)
    names = {u.id: u.short_name for u in units}
    assessment = data.assess_year(ctx.db, ctx.rules, year, ctx.now)  # totals are the city's
    credits = data.suggestions(assessment)
    return ctx.render(
        "entries.html",
        status,
        error=error,
        values=values or {},
        year=year,
        entries=data.entries(ctx.db, scope),
        names=names,
        units=units,
        kinds=KINDS,
        subitems={kind: ctx.rules.rubric_for(kind).subitems() for kind in vocabulary(UnitKind)},
        suggestions=[(names[d], c) for d, c in sorted(credits.items()) if d in names],
        suggestion_policy=ctx.rules.suggestions,
        readiness=data.readiness(assessment, scope),
        city_wide_hidden=scope is not None,  # a liaison sees its own entries, not the city's rank
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
            now=ctx.now,
        )
    except ManualEntryError as error:
        return _entries_page(ctx, 400, _refusal(error), _typed(ctx))
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
    return ctx.redirect("/entries", _("entry %(id)s stored") % {"id": entry.id})


def _refusal(error: ManualEntryError) -> str:
    """The refusal as the user reads it: the rules' own refusals from the catalog."""
    if isinstance(error, PeriodNotBegunError):
        return _("%(period)s has not begun: no entry for it yet") % {"period": error.period}
    if isinstance(error, ComputedSubitemError):
        return _(
            "%(name)s is computed from the crawl: enter an adjustment with a reason instead"
        ) % {"name": error.name}
    return str(error)


def _typed(ctx: Ctx) -> dict[str, str]:
    return {name: ctx.field(name) for name in FIELDS}


ROUTES = [page("/entries", entries_page), action("/entries", add_entry)]
