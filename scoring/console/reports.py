"""Reports: compute a monthly report, quarterly bulletin or annual assessment, store it as a
score run, and download any stored run in the five formats (all through :mod:`scoring.api`, as
the command line does).

Reports cover every department, so a liaison has no access here.
"""

from __future__ import annotations

from starlette.responses import Response

from db.models.scores import ReportKind
from scoring.assessment.periods import PeriodError
from scoring.console import data, rectification
from scoring.console.accounts import ALL_DEPARTMENTS
from scoring.console.audit import record
from scoring.console.i18n import _
from scoring.console.routing import Ctx, HTTPError, action, not_found, page
from scoring.runs import UnknownRunError

BOM = "\ufeff"
MEDIA = {
    "table": ("text/plain; charset=utf-8", "txt"),
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "html": ("text/html; charset=utf-8", "html"),
}
# the HTML report is self-contained: inline styles and SVG, nothing to fetch, nothing to run
REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def reports_page(ctx: Ctx) -> Response:
    return _reports_page(ctx)


def _reports_page(ctx: Ctx, status: int = 200, error: str | None = None) -> Response:
    """The page; after a refused report, with the message and the values typed (status 400)."""
    return ctx.render(
        "reports.html",
        status,
        error=error,
        values={"kind": ctx.field("kind"), "period": ctx.field("period")},
        runs=data.list_runs(ctx.db)[:200],
        kinds=tuple(ReportKind),
        formats=data.REPORT_FORMATS,
    )


def publish(ctx: Ctx) -> Response:
    kind = ctx.field("kind")
    if kind not in tuple(ReportKind):
        return _reports_page(ctx, 400, f"kind must be one of {', '.join(ReportKind)}")
    try:
        period = data.parse_report_period(kind, ctx.field("period"))
    except (PeriodError, ValueError) as error:
        return _reports_page(ctx, 400, str(error))
    if data.not_ended(period, ctx.now):
        # a report of a period still running would be stored as if final
        message = _("%(period)s has not ended: report it once it is over")
        return _reports_page(ctx, 400, message % {"period": period.label})
    run = data.publish_report(ctx.db, ctx.rules, period, ctx.now, ctx.user.username)
    record(
        ctx.db,
        ctx.user.username,
        "report_published",
        f"score_run:{run.run_id}",
        details={
            "kind": kind,
            "period": period.label,
            "cutoff": ctx.now.isoformat(),
            "provisional": run.provisional,
        },
    )
    message = (
        _("stored as score run %(id)s (provisional ranking)")
        if run.provisional
        else _("stored as score run %(id)s")
    )
    return ctx.redirect(f"/reports/runs/{run.run_id}", message % {"id": run.run_id})


def _run(ctx: Ctx) -> data.PublishedRun:
    try:
        return data.stored_run(ctx.db, ctx.request.path_params["run_id"])
    except UnknownRunError:
        raise not_found(_("no such score run")) from None


def run_page(ctx: Ctx) -> Response:
    run = _run(ctx)
    return ctx.render(
        "run.html",
        run=run,
        report=run.report,
        formats=data.REPORT_FORMATS,
        explained=rectification.explained_by(ctx.db, run.evidence_cutoff),
        names=data.department_names(ctx.db),
    )


def run_download(ctx: Ctx) -> Response:
    run = _run(ctx)
    fmt = ctx.query.get("format", "html")
    if fmt not in MEDIA:
        raise HTTPError(400, f"format must be one of {', '.join(MEDIA)}")
    content = run.render(fmt)
    if fmt == "csv":  # Excel reads UTF-8 only after a byte-order mark, else garbles Chinese
        content = BOM + content if isinstance(content, str) else BOM.encode() + content
    media, suffix = MEDIA[fmt]
    name = f"{run.kind}-{run.period}-run{run.run_id}.{suffix}"
    disposition = "inline" if fmt == "html" and "inline" in ctx.query else "attachment"
    headers = {
        "content-disposition": f'{disposition}; filename="{name}"',
        "content-security-policy": REPORT_CSP,
    }
    return Response(content, headers={**headers, "content-type": media})


ROUTES = [
    page("/reports", reports_page, ALL_DEPARTMENTS),
    action("/reports", publish),
    page("/reports/runs/{run_id:id}", run_page, ALL_DEPARTMENTS),
    page("/reports/runs/{run_id:id}/download", run_download, ALL_DEPARTMENTS),
]
