"""The board (看板): departments × months of a year, each cell opening its evidence."""

from __future__ import annotations

from starlette.responses import Response

from scoring.assessment.periods import SHANGHAI
from scoring.console import data
from scoring.console.routing import FIRST_YEAR, LAST_YEAR, Ctx, HTTPError, page

SORTS = {
    "tier": lambda row: (row.tier, row.department_id),
    "name": lambda row: row.short_name,
    "shortfall": lambda row: (-row.shortfall, row.tier, row.department_id),
    "points": lambda row: (
        row.portal_points is None,
        -(row.portal_points or 0),
        row.department_id,
    ),
}


def chosen_year(ctx: Ctx) -> int:
    """The year asked for, else the latest year with posts, else this year."""
    text = ctx.query.get("year", "")
    if text:
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise HTTPError(400, f"not a year: {text!r}")
        return int(text)
    years = data.years_with_evidence(ctx.db)
    return years[0] if years else ctx.now.astimezone(SHANGHAI).year


def board_page(ctx: Ctx) -> Response:
    year = chosen_year(ctx)
    sort = ctx.query.get("sort", "tier")
    if sort not in SORTS:
        sort = "tier"
    tier = ctx.query.get("tier", "")
    scope = ctx.user.scope
    assessment = data.assess_year(ctx.db, ctx.rules, year, ctx.now, scope, by_month=True)
    result = data.board(assessment, scope)
    rows = sorted(result.rows, key=SORTS[sort])
    if tier in ("1", "2", "3"):
        rows = [r for r in rows if r.tier == int(tier)]
    return ctx.render(
        "board.html",
        board=result,
        rows=rows,
        sort=sort,
        tier=tier,
        years=data.years_with_evidence(ctx.db) or [year],
    )


ROUTES = [page("/", board_page)]
