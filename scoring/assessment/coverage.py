"""Crawl coverage (覆盖) per site kind and month: is "no posts" a fact or a crawler fault?

A month M is **covered** for a site kind (portal or disclosure) when, for every site of that
kind and counting only runs started on or before the evidence cut-off:

1. no run of the site started in M (Asia/Shanghai) ended ``failed``, ``blocked`` or ``killed``,
   was left ``running`` without a heartbeat for EGOV_HEARTBEAT_LIMIT_SECONDS (``silent``: its
   process is gone, :mod:`db.liveness`), or finished with ``healthy = false`` (RULES: such a
   month is incomplete, whatever came after); and
2. at least one run started after M had ended finished healthy with every column result
   ``complete`` or ``skipped`` (none ``partial``, ``failed`` or ``blocked``): the site was read
   whole after the month closed, so a post dated in M that was ever listed has been seen.

Only the runs of the spiders that walk the lists (``portal``, ``disclosure``) count: a probe or
a link check has its own evidence (reachability, broken links), and one that could not start
says nothing about the lists. A listed page the site answers 404, 410 or an error page for is
gone (``gone_pages``), not a failure: its column's walk stays complete.

Otherwise the month is **incomplete**, with the reasons listed. When no run after M read the
site whole, the reason names what the latest of them met, on one line: its partial columns and
what happened to them (``the crawl of 2013-01-01 02:00 was partial: column 动态 2 list pages
timed out after 10 s``), a failed run's problems, or ``no crawl since the month ended``. No
site of the kind at all is also incomplete. Reports show incomplete months as such;
``portal.incomplete_months`` decides whether they enter the average (``exclude``, the default)
or count as they stand (``include``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from db.config import DEFAULT_HEARTBEAT_LIMIT
from db.liveness import SILENT_STATUS, silent_run
from db.models import CrawlColumnResult, CrawlRun, Site, SiteColumn, utcnow
from db.models.crawling import ColumnStatus, RunStatus
from scoring.assessment.periods import SHANGHAI, month_bounds

BAD_RUN_STATUSES = (RunStatus.FAILED, RunStatus.BLOCKED, RunStatus.KILLED, SILENT_STATUS)
BAD_COLUMN_STATUSES = (ColumnStatus.PARTIAL, ColumnStatus.FAILED, ColumnStatus.BLOCKED)
LIST_WALKING_SPIDERS = ("portal", "disclosure")  # their runs cover a month; probes do not


@dataclass(frozen=True)
class MonthCoverage:
    """Whether a month's evidence for one site kind is whole, and if not, why."""

    site_kind: str
    month: str
    complete: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return "complete" if self.complete else "incomplete: " + "; ".join(self.reasons)


@dataclass(frozen=True)
class RunOutcome:
    """How one crawl run ended, as coverage judges it (a silent run is ``silent``, not running)."""

    id: int
    site_key: str
    started_at: dt.datetime
    status: str
    healthy: bool | None
    bad_columns: int
    finish_reason: str | None = None
    health_problems: tuple[str, ...] = ()

    @property
    def read_whole(self) -> bool:
        """Whether the run read its site whole: finished, healthy, every column complete."""
        return self.status == RunStatus.FINISHED and bool(self.healthy) and self.bad_columns == 0


def month_coverage(
    session: Session,
    site_kind: str,
    months: tuple[str, ...],
    cutoff: dt.datetime,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> dict[str, MonthCoverage]:
    """Return the coverage of each of ``months`` for the sites of ``site_kind``."""
    sites = _sites(session, site_kind)
    if not sites:
        reason = f"no {site_kind} site is registered"
        return {m: MonthCoverage(site_kind, m, False, (reason,)) for m in months}
    runs_by_site: dict[str, list[RunOutcome]] = defaultdict(list)
    for run in _runs(session, [site_id for site_id, _ in sites], cutoff, heartbeat_limit):
        runs_by_site[run.site_key].append(run)
    bounds = {month: month_bounds(month) for month in months}
    unread = {  # the latest run after the month ended, for the months nobody read whole since
        run.id: run
        for month, (_, end) in bounds.items()
        for _, key in sites
        if (run := _closing_failure(runs_by_site.get(key, []), end)) is not None
    }
    columns = _bad_column_messages(session, list(unread))
    result = {}
    for month, (start, end) in bounds.items():
        reasons: list[str] = []
        for _, key in sites:
            reasons += _site_month_problems(key, runs_by_site.get(key, []), start, end, columns)
        result[month] = MonthCoverage(site_kind, month, not reasons, tuple(reasons))
    return result


def latest_ended_runs(
    session: Session,
    site_kind: str,
    before: dt.datetime,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> dict[str, RunOutcome | None]:
    """The latest run of each site of ``site_kind`` started before ``before`` that has ended.

    A run still beating says nothing yet and is passed over; one left ``running`` without a
    heartbeat has ended (``silent``), as :func:`month_coverage` counts it. None: no ended run.
    """
    sites = _sites(session, site_kind)
    latest: dict[str, RunOutcome | None] = dict.fromkeys((key for _, key in sites), None)
    for run in _runs(session, [site_id for site_id, _ in sites], before, heartbeat_limit):
        if run.started_at < before and run.status != RunStatus.RUNNING:
            latest[run.site_key] = run  # runs come oldest first
    return latest


def _sites(session: Session, site_kind: str) -> list[tuple[int, str]]:
    return [
        tuple(row)
        for row in session.execute(select(Site.id, Site.key).where(Site.kind == site_kind))
    ]


def _site_month_problems(
    key: str,
    runs: list[RunOutcome],
    start: dt.datetime,
    end: dt.datetime,
    columns: dict[int, list[str]],
) -> list[str]:
    problems = []
    for run in runs:
        if not start <= run.started_at < end:
            continue
        if run.status in BAD_RUN_STATUSES:
            problems.append(f"{key} run {run.id} {run.status} on {_day(run.started_at)}")
        elif run.status == RunStatus.FINISHED and run.healthy is False:
            problems.append(f"{key} run {run.id} unhealthy on {_day(run.started_at)}")
    closing = [run for run in runs if run.started_at >= end and run.read_whole]
    if not closing:
        problems.append(f"{key}: {_not_read_whole(_closing_failure(runs, end), columns)}")
    return problems


def _closing_failure(runs: list[RunOutcome], end: dt.datetime) -> RunOutcome | None:
    """The latest run started after ``end`` when none of them read the site whole, else None."""
    after = [run for run in runs if run.started_at >= end]
    if not after or any(run.read_whole for run in after):
        return None
    return after[-1]  # runs come oldest first


def _not_read_whole(run: RunOutcome | None, columns: dict[int, list[str]]) -> str:
    """Say what happened to the latest crawl after the month ended, on one line."""
    if run is None:
        return "no crawl since the month ended"
    when = run.started_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    if run.status == RunStatus.RUNNING:
        return f"the crawl of {when} is still running"
    if run.status != RunStatus.FINISHED:
        state, causes = run.status, [*run.health_problems] or [run.finish_reason or ""]
    else:
        state = "partial" if run.bad_columns else "unhealthy"
        causes = columns.get(run.id) or [*run.health_problems]
    shown = "; ".join(" ".join(cause.split()) for cause in causes[:MAX_CAUSES] if cause)
    if len(causes) > MAX_CAUSES:
        shown += f"; and {len(causes) - MAX_CAUSES} more"
    return f"the crawl of {when} was {state}" + (f": {shown}" if shown else "")


MAX_CAUSES = 2  # a reason stays one readable line; the run's page has the rest


def _bad_column_messages(session: Session, run_ids: list[int]) -> dict[int, list[str]]:
    """``column 动态 2 list pages timed out after 10 s`` for each bad column of each run."""
    messages: dict[int, list[str]] = defaultdict(list)
    if not run_ids:
        return messages
    query = (
        select(
            CrawlColumnResult.crawl_run_id,
            SiteColumn.name,
            CrawlColumnResult.status,
            CrawlColumnResult.message,
        )
        .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        .where(
            CrawlColumnResult.crawl_run_id.in_(run_ids),
            CrawlColumnResult.status.in_(BAD_COLUMN_STATUSES),
        )
        .order_by(CrawlColumnResult.crawl_run_id, SiteColumn.name)
    )
    for run_id, name, status, message in session.execute(query):
        messages[run_id].append(f"column {name} {message or status}")
    return messages


def _day(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).date().isoformat()


def _runs(
    session: Session, site_ids: list[int], cutoff: dt.datetime, heartbeat_limit: dt.timedelta
) -> list[RunOutcome]:
    silent = silent_run(min(cutoff, utcnow()), heartbeat_limit)  # judged as of the cut-off
    bad = (
        select(CrawlColumnResult.crawl_run_id, func.count().label("bad"))
        .where(CrawlColumnResult.status.in_(BAD_COLUMN_STATUSES))
        .group_by(CrawlColumnResult.crawl_run_id)
        .subquery()
    )
    query = (
        select(
            CrawlRun.id,
            Site.key,
            CrawlRun.started_at,
            case((silent, SILENT_STATUS), else_=CrawlRun.status),
            CrawlRun.healthy,
            func.coalesce(bad.c.bad, 0),
            CrawlRun.finish_reason,
            CrawlRun.health_problems,
        )
        .join(Site, Site.id == CrawlRun.site_id)
        .outerjoin(bad, bad.c.crawl_run_id == CrawlRun.id)
        .where(
            and_(
                CrawlRun.site_id.in_(site_ids),
                CrawlRun.started_at <= cutoff,
                CrawlRun.spider.in_(LIST_WALKING_SPIDERS),
            )
        )
        .order_by(CrawlRun.started_at)
    )
    return [
        RunOutcome(*row[:-1], health_problems=tuple(row[-1] or ()))
        for row in session.execute(query)
    ]
