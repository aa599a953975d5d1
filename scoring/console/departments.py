"""A department's page: its months, and one month's posts and documents down to the evidence."""

from __future__ import annotations

from starlette.responses import Response

from db.models import Department, UnitKind
from scoring.assessment.periods import PeriodError, parse_month
from scoring.console import data, rectification
from scoring.console.board import chosen_year
from scoring.console.routing import FIRST_YEAR, LAST_YEAR, Ctx, HTTPError, not_found, page


def department_list(ctx: Ctx) -> Response:
    return ctx.render("departments.html", units=data.departments(ctx.db, ctx.user.scope))


def department_page(ctx: Ctx) -> Response:
    department_id = ctx.request.path_params["department_id"]
    ctx.see(department_id)
    unit = ctx.db.get(Department, department_id)
    if unit is None:
        raise not_found()
    asked = _asked_month(ctx)
    year = int(asked[:4]) if asked and "year" not in ctx.query else chosen_year(ctx)
    row = None
    if unit.kind == UnitKind.DEPARTMENT and unit.tier is not None:
        assessment = data.assess_year(ctx.db, ctx.rules, year, ctx.now, {unit.id}, by_month=True)
        rows = data.board(assessment, {unit.id}).rows
        row = rows[0] if rows else None
    month = asked or _default_month(year, row)
    return ctx.render(
        "department.html",
        unit=unit,
        year=year,
        row=row,
        month=month,
        shown=data.department_month(ctx.db, ctx.rules, unit.id, month, ctx.now),
        entries=data.entries(ctx.db, ctx.user.scope, unit.id)[:50],
        sent={(r.kind, r.subject_key): r for r in rectification.for_departments(ctx.db, {unit.id})},
        document_kinds=rectification.DOCUMENT_KINDS,
    )


def _asked_month(ctx: Ctx) -> str | None:
    text = ctx.query.get("month", "")
    if not text:
        return None
    try:
        month = parse_month(text)
    except PeriodError as error:
        raise HTTPError(400, str(error)) from None
    if not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise HTTPError(400, f"not a month the console shows: {text!r}")
    return month.label


def _default_month(year: int, row: data.BoardRow | None) -> str:
    """The latest month with posts, else the latest month assessed, else January."""
    if row is not None:
        with_posts = [c.month for c in row.cells if c.posts.posts]
        assessed = [c.month for c in row.cells if c.posts.ended]
        if with_posts:
            return with_posts[-1]
        if assessed:
            return assessed[-1]
    return f"{year}-01"


ROUTES = [
    page("/departments", department_list),
    page("/departments/{department_id:id}", department_page),
]
