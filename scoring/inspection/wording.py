"""严重错误 (veto): wording hits on the site's stored pages, counted once a reviewer confirmed them.

The hits are the findings of the wording scan (:mod:`scoring.inspection.wording_scan`) on the
site's pages stored by the end of the inspection day (from the period's first day, when one is
given). Confirmed hits reach the veto; hits pending review (待复核) are a warning, never a veto;
dismissed ones are listed, not counted. A stored page not scanned yet leaves the indicator
``not provable`` unless a confirmed hit already vetoes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import FetchedPage, WordingFinding, WordingReview
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    OK,
    WARNING,
    Indicator,
    InspectionDay,
    local_time,
    number,
)
from scoring.inspection.wording_scan import stored_pages
from scoring.rules.national_model import NationalRules


@dataclass(frozen=True)
class WordingHit:
    """A finding as the report shows it: where, what, the right form, and its review."""

    finding_id: int
    url: str
    fetched_at: dt.datetime
    sha256: str
    source: str
    rule_key: str
    found: str
    right: str
    sentence: str
    review: WordingReview
    reviewed_by: str | None


@dataclass(frozen=True)
class WordingReport:
    hits: list[WordingHit]
    pages: Counter[str]  # stored pages of the period by source (post, document, column_page)
    unscanned: int


def wording_findings(session: Session, site_id: int, day: InspectionDay) -> WordingReport:
    """The site's findings and how many of its stored pages were (not) scanned."""
    listed = stored_pages(site_id).subquery()
    page_id, source = listed.c[0], listed.c[2]
    window = [FetchedPage.fetched_at < day.end]
    if day.start is not None:
        window.append(FetchedPage.fetched_at >= day.start)
    pages: Counter[str] = Counter()
    unscanned = 0
    rows = session.execute(
        select(
            source,
            FetchedPage.wording_scan_id.is_(None),
            func.count(func.distinct(page_id)),
        )
        .join(FetchedPage, FetchedPage.id == page_id)
        .where(*window)
        .group_by(source, FetchedPage.wording_scan_id.is_(None))
    ).all()
    for kind, missing, count in rows:
        pages[kind] += count
        unscanned += count if missing else 0
    found = session.execute(
        select(WordingFinding, FetchedPage.url, FetchedPage.fetched_at, FetchedPage.sha256)
        .join(FetchedPage, FetchedPage.id == WordingFinding.page_id)
        .where(WordingFinding.site_id == site_id, *window)
        .order_by(FetchedPage.url, WordingFinding.offset)
    ).all()
    hits = [
        WordingHit(
            f.id,
            url,
            fetched_at,
            sha256,
            f.source,
            f.rule_key,
            f.found,
            f.right,
            f.sentence,
            WordingReview(f.review),
            f.reviewed_by,
        )
        for f, url, fetched_at, sha256 in found
    ]
    return WordingReport(hits, pages, unscanned)


def serious_errors_indicator(rules: NationalRules, report: WordingReport) -> Indicator:
    rule = rules.serious_errors
    by_review = Counter(hit.review for hit in report.hits)
    confirmed = by_review[WordingReview.CONFIRMED]
    pending = by_review[WordingReview.PENDING]
    value = f"{confirmed} confirmed, {pending} 待复核"
    scanned = sum(report.pages.values()) - report.unscanned
    parts = [
        f"{scanned} stored pages scanned for wording ("
        + ", ".join(f"{kind} {n}" for kind, n in sorted(report.pages.items()))
        + ")"
    ]
    for review in (WordingReview.CONFIRMED, WordingReview.PENDING, WordingReview.DISMISSED):
        mine = [hit for hit in report.hits if hit.review == review]
        if mine:
            listed = "; ".join(_hit_text(hit) for hit in mine)
            parts.append(f"{review.label} {review.value} ({len(mine)}): {listed}")
    if confirmed >= rule.threshold:
        status = rule.kind
    elif not report.pages:
        status = NOT_PROVABLE
        parts = ["no stored post, document or column page of the site in the period"]
    elif report.unscanned:
        status = NOT_PROVABLE
        parts.append(
            f"{report.unscanned} stored pages not scanned yet "
            "(scoring inspection scan-wording scans them)"
        )
    elif pending >= rule.warn_at:
        status = WARNING
    else:
        status = OK
    return Indicator(
        key=rule.key,
        name=rule.name,
        kind=rule.kind,
        value=value,
        threshold=f"{number(rule.threshold)} confirmed",
        warn_at=f"{number(rule.warn_at)} 待复核",
        status=status,
        evidence=". ".join(parts),
    )


def _hit_text(hit: WordingHit) -> str:
    return (
        f"#{hit.finding_id} {hit.found} → {hit.right} in “{hit.sentence}” "
        f"({hit.url}, fetched {local_time(hit.fetched_at)}, sha256 {hit.sha256[:12]})"
    )
