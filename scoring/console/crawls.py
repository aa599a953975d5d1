"""Crawl status (采集状态): each site's last runs, their health, failed columns, lost requests,
and the next scheduled crawl, probe and link check.

What the board calls "crawl incomplete" is explained here: which run, which column, which
request was lost and why. Coverage of the month is the assessment's own (:mod:`data`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from starlette.responses import Response

from db.models import CrawlColumnResult, CrawlRun, RequestFailure, Site, SiteColumn
from scoring.assessment.coverage import BAD_COLUMN_STATUSES
from scoring.assessment.periods import SHANGHAI
from scoring.console import data
from scoring.console.accounts import ALL_DEPARTMENTS
from scoring.console.i18n import N_
from scoring.console.next_runs import JobKind, next_runs
from scoring.console.routing import Ctx, page

RUNS_PER_SITE = 5
FAILURES_SHOWN = 20
JOB_LABELS = {
    JobKind.CRAWL: N_("Next crawl"),
    JobKind.PROBE: N_("Next probe"),
    JobKind.LINK_CHECK: N_("Next link check"),
}


@dataclass(frozen=True)
class SiteStatus:
    site: Site
    runs: list[CrawlRun]
    bad_columns: list[tuple[str, str, str | None]]  # column name, status, message (last run)
    failures: list[RequestFailure]  # lost requests of the last run, with their reasons
    failure_count: int
    # Next run of each scheduled job (None: paused); a kind missing is not scheduled (未排程).
    next_runs: dict[JobKind, dt.datetime | None] = field(default_factory=dict)


def site_statuses(ctx: Ctx) -> list[SiteStatus]:
    statuses = []
    sites = list(ctx.db.scalars(select(Site).order_by(Site.kind, Site.key)))
    scheduled = next_runs(ctx.db, [site.key for site in sites])
    for site in sites:
        runs = list(
            ctx.db.scalars(
                select(CrawlRun)
                .where(CrawlRun.site_id == site.id)
                .order_by(CrawlRun.started_at.desc())
                .limit(RUNS_PER_SITE)
            )
        )
        bad: list[tuple[str, str, str | None]] = []
        failures: list[RequestFailure] = []
        count = 0
        if runs:
            last = runs[0].id
            bad = [
                (name, status, message)
                for name, status, message in ctx.db.execute(
                    select(SiteColumn.name, CrawlColumnResult.status, CrawlColumnResult.message)
                    .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
                    .where(
                        CrawlColumnResult.crawl_run_id == last,
                        CrawlColumnResult.status.in_(BAD_COLUMN_STATUSES),
                    )
                )
            ]
            failures = list(
                ctx.db.scalars(
                    select(RequestFailure)
                    .where(RequestFailure.crawl_run_id == last)
                    .order_by(RequestFailure.id)
                    .limit(FAILURES_SHOWN)
                )
            )
            count = (
                ctx.db.scalar(select(func.count()).where(RequestFailure.crawl_run_id == last)) or 0
            )
        upcoming = {
            kind: scheduled[site.key, kind] for kind in JobKind if (site.key, kind) in scheduled
        }
        statuses.append(SiteStatus(site, runs, bad, failures, count, upcoming))
    return statuses


def crawls_page(ctx: Ctx) -> Response:
    year = ctx.now.astimezone(SHANGHAI).year
    years = data.years_with_evidence(ctx.db)
    shown_year = years[0] if years else year
    assessment = data.assess_year(ctx.db, ctx.rules, shown_year, ctx.now)
    coverage: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for month, c in assessment.portal_coverage.items():
        coverage["portal"].append((month, c))
    for month, c in assessment.disclosure_coverage.items():
        coverage["disclosure"].append((month, c))
    return ctx.render(
        "crawls.html",
        statuses=site_statuses(ctx),
        coverage=dict(coverage),
        year=shown_year,
        job_labels=JOB_LABELS,
    )


ROUTES = [page("/crawls", crawls_page, ALL_DEPARTMENTS)]
