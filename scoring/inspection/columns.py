"""Column ages (栏目更新) and the four column indicators: stale, long unupdated, blank, late.

A column's last update is the newest item date its list showed in the latest complete walk of
the nightly crawl (``crawl_column_results.newest_seen``), and the evidence is that list page as
stored (``fetched_pages``). A column whose latest complete walk is older than the rules'
``evidence.max_age_days`` is ``not provable``: an item may have appeared since.

The walk that dates a column is its list as read that night: a walk is complete when every list
page was read, whatever the site answered for the articles it links (a dead link is the site's
failure, recorded as gone, not the walk's). A column with no complete walk says what its latest
walk met (``latest walk 2013-03-15 09:00 was partial: 2 list pages timed out after 10 s``), not
merely that no complete walk exists.

A column is blank (空白栏目) when its list page was read whole (HTTP 200) and showed no item,
and in the same walk another column of the same list layout did show items: a parser that read
nothing anywhere is a crawler fault, not a blank column (``not provable``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ColumnStatus, CrawlColumnResult, CrawlRun, FetchedPage, SiteColumn
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    OK,
    WARNING,
    Indicator,
    InspectionDay,
    judge,
    local_time,
    number,
)
from scoring.rules.national_model import ColumnCountRule, NationalRules

STALE, BLANK, NO_PERIOD, NOT_INSPECTED = "stale", "blank", "no period", "not inspected"


class InspectionError(ValueError):
    """The site cannot be inspected as configured; the message says why, in one line."""


@dataclass(frozen=True)
class ColumnState:
    """One column as of the inspection day: its newest item, its age and its status."""

    column_id: int
    key: str
    name: str
    category: str | None
    url: str
    status: str  # ok, warning, stale, blank, no period, not inspected, not provable
    reason: str
    newest_on: dt.date | None = None
    age_days: int | None = None
    long_unupdated: bool = False
    walked_at: dt.datetime | None = None
    items_seen: int | None = None
    list_page_url: str | None = None
    list_page_sha256: str | None = None
    list_page_fetched_at: dt.datetime | None = None

    @property
    def evidence(self) -> str:
        if self.list_page_url is None:
            return ""
        return (
            f"{self.list_page_url} (fetched {local_time(self.list_page_fetched_at)}, "
            f"sha256 {self.list_page_sha256[:12] if self.list_page_sha256 else '-'})"
        )


@dataclass(frozen=True)
class _Walk:
    run_id: int
    finished_at: dt.datetime
    status: str
    items_seen: int
    newest_seen: dt.date | None


def column_states(
    session: Session, rules: NationalRules, site_id: int, day: InspectionDay
) -> list[ColumnState]:
    """Every column of the site, judged as of ``day`` (see the module docstring)."""
    columns = session.scalars(
        select(SiteColumn).where(SiteColumn.site_id == site_id).order_by(SiteColumn.id)
    ).all()
    for column in columns:
        if column.category is not None and column.category not in rules.categories:
            raise InspectionError(
                f"column {column.key} has category {column.category!r}, which the rules file "
                f"{rules.path} does not define (defined: {', '.join(rules.categories)})"
            )
    walks = _latest_walks(session, site_id, day)
    layouts_with_items = _layouts_with_items(session, {w.run_id for w in walks.values()})
    return [
        _state(session, rules, column, walks.get(column.id), layouts_with_items, day)
        for column in columns
    ]


def _latest_walks(session: Session, site_id: int, day: InspectionDay) -> dict[int, _Walk]:
    """The latest complete walk of each column finished before the end of the day."""
    result, run = CrawlColumnResult, CrawlRun
    complete = (
        select(result.column_id, func.max(run.finished_at).label("finished_at"))
        .join(run, run.id == result.crawl_run_id)
        .where(run.site_id == site_id, result.status == ColumnStatus.COMPLETE)
        .where(run.finished_at.is_not(None), run.finished_at < day.end)
        .group_by(result.column_id)
        .subquery()
    )
    rows = session.execute(
        select(
            result.column_id,
            run.id,
            run.finished_at,
            result.status,
            result.items_seen,
            result.newest_seen,
        )
        .join(run, run.id == result.crawl_run_id)
        .join(
            complete,
            (complete.c.column_id == result.column_id)
            & (complete.c.finished_at == run.finished_at),
        )
        .where(run.site_id == site_id, result.status == ColumnStatus.COMPLETE)
    ).all()
    return {column_id: _Walk(*rest) for column_id, *rest in rows}


def _why_no_complete_walk(session: Session, column_id: int, day: InspectionDay) -> str:
    """What the column's latest walk before the end of ``day`` met, in words."""
    latest = session.execute(
        select(CrawlRun.finished_at, CrawlRun.started_at, CrawlColumnResult.status,
               CrawlColumnResult.message)
        .join(CrawlRun, CrawlRun.id == CrawlColumnResult.crawl_run_id)
        .where(CrawlColumnResult.column_id == column_id, CrawlRun.started_at < day.end)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(1)
    ).first()  # fmt: skip
    if latest is None:
        return f"the column was never walked by {day.day}"
    finished, started, status, message = latest
    what = f": {message}" if message else ""
    return f"latest walk {local_time(finished or started)} was {status}{what}"


def _layouts_with_items(session: Session, run_ids: set[int]) -> set[tuple[int, str]]:
    """(run, list kind) pairs in which some column's list showed items."""
    if not run_ids:
        return set()
    rows = session.execute(
        select(CrawlColumnResult.crawl_run_id, SiteColumn.list_kind)
        .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        .where(CrawlColumnResult.crawl_run_id.in_(run_ids), CrawlColumnResult.items_seen > 0)
        .distinct()
    ).all()
    return {(run_id, kind) for run_id, kind in rows}


def _list_page(session: Session, url: str, before: dt.datetime) -> FetchedPage | None:
    """The column's list page as last stored before ``before``, wherever it was fetched from."""
    parts = urlsplit(url)
    tail = parts.path + (f"?{parts.query}" if parts.query else "")
    return session.scalars(
        select(FetchedPage)
        .where(FetchedPage.url.endswith(tail, autoescape=True), FetchedPage.fetched_at < before)
        .order_by(FetchedPage.fetched_at.desc(), FetchedPage.id.desc())
        .limit(1)
    ).first()


def _state(
    session: Session,
    rules: NationalRules,
    column: SiteColumn,
    walk: _Walk | None,
    layouts_with_items: set[tuple[int, str]],
    day: InspectionDay,
) -> ColumnState:
    base: dict[str, Any] = {
        "column_id": column.id,
        "key": column.key,
        "name": column.name,
        "category": column.category,
        "url": column.url,
    }
    if column.category is None:
        return ColumnState(**base, status=NOT_INSPECTED, reason="no category in the profile")
    category = rules.categories[column.category]
    if category.update_within is None:
        return ColumnState(**base, status=NO_PERIOD, reason=f"{category.name}: no update period")
    if walk is None:
        reason = _why_no_complete_walk(session, column.id, day)
        return ColumnState(**base, status=NOT_PROVABLE, reason=reason)
    page = _list_page(session, column.url, day.end)
    base |= {
        "walked_at": walk.finished_at,
        "items_seen": walk.items_seen,
        "newest_on": walk.newest_seen,
        "list_page_url": page.url if page else None,
        "list_page_sha256": page.sha256 if page else None,
        "list_page_fetched_at": page.fetched_at if page else None,
    }
    if not day.fresh(walk.finished_at):
        reason = (
            f"latest complete walk {local_time(walk.finished_at)} is more than "
            f"{day.max_age_days} days before {day.day}"
        )
        return ColumnState(**base, status=NOT_PROVABLE, reason=reason)
    if walk.items_seen == 0:
        return _blank(base, walk, page, column.list_kind, layouts_with_items)
    if walk.newest_seen is None:
        reason = "the list shows items without dates"
        return ColumnState(**base, status=NOT_PROVABLE, reason=reason)
    newest = walk.newest_seen
    age = (day.day - newest).days
    long_rule = rules.long_unupdated_columns
    long_unupdated = long_rule.after is not None and long_rule.after.after(newest) <= day.day
    stale_from = category.update_within.after(newest)
    assert category.warn_after is not None
    if stale_from <= day.day:
        status, reason = STALE, f"no new item since {newest}: stale from {stale_from}"
    elif category.warn_after.after(newest) <= day.day:
        status, reason = WARNING, f"stale from {stale_from} unless a new item appears"
    else:
        status, reason = OK, f"stale from {stale_from} if nothing new appears"
    return ColumnState(
        **base, status=status, reason=reason, age_days=age, long_unupdated=long_unupdated
    )


def _blank(
    base: dict[str, Any],
    walk: _Walk,
    page: FetchedPage | None,
    list_kind: str,
    layouts_with_items: set[tuple[int, str]],
) -> ColumnState:
    if page is None or page.http_status != 200:
        reason = "the walk saw no item, but no list page answered HTTP 200 is stored"
        return ColumnState(**base, status=NOT_PROVABLE, reason=reason)
    if (walk.run_id, list_kind) not in layouts_with_items:
        reason = (
            f"no item read, and no other {list_kind} list showed items in the same walk "
            "(a parser fault cannot be ruled out)"
        )
        return ColumnState(**base, status=NOT_PROVABLE, reason=reason)
    return ColumnState(**base, status=BLANK, reason="the list page shows no item")


def column_indicators(rules: NationalRules, states: list[ColumnState]) -> list[Indicator]:
    """栏目不更新, 应更新栏目长期未更新, 空白栏目 and 栏目更新不及时, from the column states.

    年报 columns (the annual report indicator's category) are judged by that indicator alone:
    a missing report is one finding, not also a year-old column and a column past its period.
    """
    annual = rules.annual_report.category
    states = [s for s in states if s.category != annual]
    return [
        _count(rules.stale_columns, states, lambda s: s.status == STALE),
        _count(rules.long_unupdated_columns, states, lambda s: s.long_unupdated),
        _count(rules.blank_columns, states, lambda s: s.status == BLANK),
        _count(
            rules.columns_past_period,
            states,
            lambda s: s.status == STALE,
            warning=lambda s: s.status == WARNING,
        ),
    ]


def _count(
    rule: ColumnCountRule,
    states: list[ColumnState],
    counts: Callable[[ColumnState], bool],
    warning: Callable[[ColumnState], bool] | None = None,
) -> Indicator:
    scope = [s for s in states if s.category in rule.categories]
    if not scope:
        return _no_column(rule, states)
    found = [s for s in scope if counts(s)]
    unknown = [s for s in scope if s.status == NOT_PROVABLE]
    near = [s for s in scope if warning(s)] if warning else None
    status = judge(
        len(found),
        rule.threshold,
        rule.warn_at,
        rule.kind,
        unknown=len(unknown),
        warning_value=len(near) if near is not None else None,
    )
    parts = [f"{len(scope)} columns of {', '.join(rule.categories)}"]
    if found:
        parts.append("counted: " + "; ".join(_column_text(s) for s in found))
    if near:
        parts.append("about to go stale: " + "; ".join(_column_text(s) for s in near))
    unproven = ""
    if unknown:
        unproven = "; ".join(f"{s.key} ({s.reason})" for s in unknown)
        parts.append(f"not provable: {unproven}")
    points = None
    if rule.points_each is not None and status == rule.kind:
        points = rule.points_each * len(found)
    return Indicator(
        key=rule.key,
        name=rule.name,
        kind=rule.kind,
        value=str(len(found)),
        threshold=number(rule.threshold),
        warn_at=number(rule.warn_at),
        status=status,
        evidence=". ".join(parts),
        points=points,
        unproven=unproven,
    )


def _no_column(rule: ColumnCountRule, states: list[ColumnState]) -> Indicator:
    """No column of the rule's categories: nothing was judged, so nothing is proved ok."""
    uncategorised = [s.key for s in states if s.category is None]
    why = f"no column of {', '.join(rule.categories)} in the site profile"
    if uncategorised:
        why += f"; {len(uncategorised)} columns have no category ({', '.join(uncategorised)})"
    return Indicator(
        key=rule.key,
        name=rule.name,
        kind=rule.kind,
        value="-",
        threshold=number(rule.threshold),
        warn_at=number(rule.warn_at),
        status=NOT_PROVABLE,
        evidence=why,
        unproven=why,
    )


def _column_text(state: ColumnState) -> str:
    if state.newest_on is None:
        return f"{state.name} ({state.key}, no item)"
    return f"{state.name} ({state.key}, newest {state.newest_on}, {state.age_days} days)"
