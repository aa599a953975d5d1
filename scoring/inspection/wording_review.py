"""Review wording hits (复核): confirm a hit (it counts toward 严重错误) or dismiss it.

Each review keeps who decided, when and why; a later review of the same hit replaces it (a hit
confirmed by mistake can be dismissed, and the other way round).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FetchedPage, Site, WordingFinding, WordingReview, utcnow


class ReviewError(ValueError):
    """A review that cannot be recorded (unknown hit, no reviewer); one line."""


def review(
    session: Session,
    finding_ids: list[int],
    decision: WordingReview,
    reviewer: str,
    note: str | None = None,
) -> list[WordingFinding]:
    """Record ``decision`` on every hit of ``finding_ids`` (all or none)."""
    if decision == WordingReview.PENDING:
        raise ReviewError("a review confirms or dismisses a hit")
    if not reviewer.strip():
        raise ReviewError("say who reviews (--by NAME)")
    found = session.scalars(select(WordingFinding).where(WordingFinding.id.in_(finding_ids))).all()
    missing = sorted(set(finding_ids) - {f.id for f in found})
    if missing:
        raise ReviewError(f"no wording hit #{missing[0]} (scoring inspection findings lists them)")
    now = utcnow()
    for finding in found:
        finding.review = decision
        finding.reviewed_by = reviewer.strip()
        finding.reviewed_at = now
        finding.review_note = note
    session.flush()
    return list(found)


def listed(
    session: Session, site_key: str | None = None, state: WordingReview | None = None
) -> list[tuple[WordingFinding, str, str]]:
    """(hit, site key, page URL) for each hit, pending first, by site and page."""
    query = (
        select(WordingFinding, Site.key, FetchedPage.url)
        .join(Site, Site.id == WordingFinding.site_id)
        .join(FetchedPage, FetchedPage.id == WordingFinding.page_id)
        .order_by(Site.key, FetchedPage.url, WordingFinding.offset)
    )
    if site_key is not None:
        query = query.where(Site.key == site_key)
    if state is not None:
        query = query.where(WordingFinding.review == state)
    rows = [(f, key, url) for f, key, url in session.execute(query)]
    order = {WordingReview.PENDING: 0, WordingReview.CONFIRMED: 1, WordingReview.DISMISSED: 2}
    return sorted(rows, key=lambda row: order[WordingReview(row[0].review)])
