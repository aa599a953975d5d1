"""Crawl status (采集状态): each site's last runs, their health, failed columns, lost requests.

What the board calls "crawl incomplete" is explained here: which run, which column, which
request was lost and why. Coverage of the month is the assessment's own (:mod:`data`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from starlette.responses import Response

from db.models import CrawlColumnResult, CrawlRun, RequestFailure, Site, SiteColumn
from scoring.assessment.coverage import BAD_COLUMN_STATUSES
from scoring.assessment.periods import SHANGHAI
from scoring.console import data
from scoring.console.accounts import ALL_DEPARTMENTS
from scoring.console.routing import Ctx, page

RUNS_PER_SITE = 5
FAILURES_SHOWN = 20


@dataclass(frozen=True)
class SiteStatus:
    site: Site
    runs: list[CrawlRun]
    bad_columns: list[tuple[str, str, str | None]]  # column name, status, message (last run)
    failures: list[RequestFailure]  # lost requests of the last run, with their reasons
    failure_count: int


def site_statuses(ctx: Ctx) -> list[SiteStatus]:
    statuses = []
    for site in ctx.db.scalars(select(Site).order_by(Site.kind, Site.key)):
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
        statuses.append(SiteStatus(site, runs, bad, failures, count))
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
        "crawls.html", statuses=site_statuses(ctx), coverage=dict(coverage), year=shown_year
    )


ROUTES = [page("/crawls", crawls_page, ALL_DEPARTMENTS)]
