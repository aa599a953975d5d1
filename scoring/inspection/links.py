"""首页链接不可用 and 其他页面链接不可用, from the link checks (``link_checks``).

The links judged are those of the latest finished link-check run before the end of the day
(which must itself be recent). A link failing in that run is **broken** only when it also
failed on an earlier check at least ``links.confirm_after_hours`` before, with no successful
check between (checks that could not be made, ``skipped``, neither break nor extend the run of
failures); otherwise it is **awaiting confirmation**, which is the indicator's pre-warning.
Links the check did not make (robots.txt, an anti-bot challenge, a per-host limit) are listed
as not checked and never counted. Listed articles the nightly walks found gone (404, 410, an
error page) are broken links of the other pages too (:mod:`scoring.inspection.gone_links`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import CheckRunStatus, FetchedPage, LinkCheck, LinkCheckRun, LinkOutcome
from scoring.inspection.gone_links import gone_link_rows
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    Indicator,
    InspectionDay,
    judge,
    local_time,
    number,
)
from scoring.rules.national_model import LinkRule, NationalRules

BROKEN, AWAITING, NOT_CHECKED = "broken", "awaiting confirmation", "not checked"


@dataclass(frozen=True)
class LinkFinding:
    url: str
    kind: str
    internal: bool
    on_home: bool
    found_on: str
    found_on_sha256: str | None
    status: str  # broken, awaiting confirmation or not checked
    what: str  # HTTP status or error of the latest check
    first_failed_at: dt.datetime | None
    last_checked_at: dt.datetime


@dataclass(frozen=True)
class LinkReport:
    run: LinkCheckRun | None
    findings: list[LinkFinding]
    checked: int
    problem: str | None  # why the links are not provable, if they are not


def link_findings(
    session: Session, rules: NationalRules, site_id: int, day: InspectionDay
) -> LinkReport:
    """The latest run's failing and unchecked links, each with its confirmation status."""
    run = session.scalars(
        select(LinkCheckRun)
        .where(LinkCheckRun.site_id == site_id, LinkCheckRun.status == CheckRunStatus.FINISHED)
        .where(LinkCheckRun.finished_at < day.end)
        .order_by(LinkCheckRun.finished_at.desc())
        .limit(1)
    ).first()
    if run is None:
        return LinkReport(None, [], 0, f"no finished link check by {day.day}")
    if not day.fresh(run.finished_at):
        problem = (
            f"latest link check {local_time(run.finished_at)} is more than "
            f"{day.max_age_days} days before {day.day}"
        )
        return LinkReport(run, [], 0, problem)
    rows = session.scalars(select(LinkCheck).where(LinkCheck.run_id == run.id)).all()
    failing = [r for r in rows if r.outcome == LinkOutcome.FAILED]
    history = _history(session, site_id, [r.url for r in failing], run)
    pages = _page_hashes(session, {r.found_on_page_id for r in rows if r.found_on_page_id})
    confirm = dt.timedelta(hours=rules.link_confirm_hours)
    findings = []
    for row in sorted(rows, key=lambda r: (not r.on_home, r.url)):
        if row.outcome == LinkOutcome.OK:
            continue
        first = (
            _first_of_failing_run(history[row.url]) if row.outcome == LinkOutcome.FAILED else None
        )
        if row.outcome == LinkOutcome.SKIPPED:
            status = NOT_CHECKED
        elif first is not None and row.checked_at - first >= confirm:
            status = BROKEN
        else:
            status = AWAITING
        what = f"HTTP {row.http_status}" if row.http_status else f"{row.error_kind}: {row.error}"
        findings.append(
            LinkFinding(
                url=row.url,
                kind=row.kind,
                internal=row.internal,
                on_home=row.on_home,
                found_on=row.found_on,
                found_on_sha256=pages.get(row.found_on_page_id or 0),
                status=status,
                what=what,
                first_failed_at=first,
                last_checked_at=row.checked_at,
            )
        )
    # A link the check found failing is its finding; one it found fine may be a soft 404.
    reported = {r.url for r in rows if r.outcome != LinkOutcome.OK}
    findings += _gone_findings(session, site_id, day, confirm, reported)
    checked = sum(r.outcome != LinkOutcome.SKIPPED for r in rows)
    return LinkReport(run, findings, checked, None)


def _gone_findings(
    session: Session, site_id: int, day: InspectionDay, confirm: dt.timedelta, known: set[str]
) -> list[LinkFinding]:
    """The listed articles the walks found gone, not already among the link check's rows."""
    findings = []
    for listed, reason, list_page, sha256, url, first, last in gone_link_rows(
        session, site_id, day
    ):
        if listed in known or url in known:
            continue
        findings.append(
            LinkFinding(
                url=url,
                kind="page",
                internal=True,
                on_home=False,
                found_on=list_page or "",
                found_on_sha256=sha256,
                status=BROKEN if last - first >= confirm else AWAITING,
                what=reason,
                first_failed_at=first,
                last_checked_at=last,
            )
        )
    return findings


def _history(
    session: Session, site_id: int, urls: list[str], run: LinkCheckRun
) -> dict[str, list[LinkCheck]]:
    """Every check of these links up to ``run``, newest first."""
    history: dict[str, list[LinkCheck]] = defaultdict(list)
    for start in range(0, len(urls), 500):
        rows = session.scalars(
            select(LinkCheck)
            .join(LinkCheckRun, LinkCheckRun.id == LinkCheck.run_id)
            .where(LinkCheck.site_id == site_id, LinkCheck.url.in_(urls[start : start + 500]))
            .where(LinkCheckRun.started_at <= run.started_at)
            .order_by(LinkCheck.checked_at.desc())
        ).all()
        for row in rows:
            history[row.url].append(row)
    return history


def _first_of_failing_run(checks: list[LinkCheck]) -> dt.datetime | None:
    """When the current run of failures began (checks newest first; skipped ones ignored)."""
    first = None
    for check in checks:
        if check.outcome == LinkOutcome.SKIPPED:
            continue
        if check.outcome != LinkOutcome.FAILED:
            break
        first = check.checked_at
    return first


def _page_hashes(session: Session, page_ids: set[int | None]) -> dict[int, str]:
    ids = [i for i in page_ids if i]
    if not ids:
        return {}
    query = select(FetchedPage.id, FetchedPage.sha256).where(FetchedPage.id.in_(ids))
    return {page_id: sha256 for page_id, sha256 in session.execute(query)}


def link_indicators(rules: NationalRules, report: LinkReport) -> list[Indicator]:
    return [
        _indicator(rules.broken_links_home, report, on_home=True),
        _indicator(rules.broken_links_other, report, on_home=False),
    ]


def _indicator(rule: LinkRule, report: LinkReport, *, on_home: bool) -> Indicator:
    common = {
        "key": rule.key,
        "name": rule.name,
        "kind": rule.kind,
        "threshold": number(rule.threshold),
        "warn_at": number(rule.warn_at),
    }
    if report.problem is not None:
        return Indicator(
            **common,
            value="-",
            status=NOT_PROVABLE,
            evidence=report.problem,
            unproven=report.problem,
        )
    assert report.run is not None
    mine = [f for f in report.findings if f.on_home == on_home]
    broken = [f for f in mine if f.status == BROKEN]
    awaiting = [f for f in mine if f.status == AWAITING]
    unchecked = [f for f in mine if f.status == NOT_CHECKED]
    status = judge(
        len(broken),
        rule.threshold,
        rule.warn_at,
        rule.kind,
        unknown=len(unchecked),
        warning_value=len(awaiting),
    )
    where = "the home page" if on_home else "other pages"
    parts = _evidence(report, broken, awaiting, where)
    unproven = ""
    value = str(len(broken))
    if unchecked:
        # Links not checked may be broken too: the count is a floor, and says so.
        value = f"at least {len(broken)} broken; {len(unchecked)} not checked"
        unproven = _not_checked(unchecked, where)
        parts.append(unproven)
    points = rule.points_each * len(broken) if status == rule.kind else None
    return Indicator(
        **common,
        value=value,
        status=status,
        evidence=". ".join(parts),
        points=points,
        unproven=unproven,
    )


def _evidence(
    report: LinkReport, broken: list[LinkFinding], awaiting: list[LinkFinding], where: str
) -> list[str]:
    """The indicator's evidence: the run, then the broken links, then those awaiting a second."""
    assert report.run is not None
    parts = [
        f"link check run {report.run.id} ({local_time(report.run.finished_at)}): "
        f"{report.checked} links checked on the home page and column pages"
    ]
    if broken:
        kinds = Counter(f"{'internal' if f.internal else 'external'} {f.kind}" for f in broken)
        listed = "; ".join(
            f"{f.url} ({f.what}, failing since {local_time(f.first_failed_at)})" for f in broken
        )
        breakdown = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        parts.append(f"broken on {where} ({breakdown}): {listed}")
    if awaiting:
        listed = "; ".join(f"{f.url} ({f.what})" for f in awaiting)
        parts.append(f"failed once, awaiting confirmation: {listed}")
    return parts


def _not_checked(unchecked: list[LinkFinding], where: str) -> str:
    """How many links were not checked, and why, grouped by reason."""
    reasons = Counter(f.what.split(":", 1)[0] for f in unchecked)
    return (
        f"{len(unchecked)} links on {where} not checked ("
        + ", ".join(f"{what}: {n}" for what, n in sorted(reasons.items()))
        + ")"
    )
