"""Review wording hits (复核): confirm a hit (it counts toward 严重错误) or dismiss it.

Each review keeps who decided, when and why; a later review of the same hit replaces it (a hit
confirmed by mistake can be dismissed, and the other way round). The console's review queue of
wording hits (``review_items`` of kind ``wording_hit``) is kept in step: the same decision is
its item's state.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FetchedPage, ReviewItem, Site, WordingFinding, WordingReview, utcnow

KIND = "wording_hit"  # the console's review queue of wording hits
# The queue's item state → the hit's review (a fixed error was an error).
REVIEW_OF_STATE = {
    "open": WordingReview.PENDING,
    "confirmed": WordingReview.CONFIRMED,
    "dismissed": WordingReview.DISMISSED,
    "fixed": WordingReview.CONFIRMED,
}


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
    if decision == WordingReview.DISMISSED and not (note or "").strip():
        raise ReviewError("a dismissal needs a reason (--note: 引用原文, 专有名词…)")
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
        _item_in_step(session, finding, decision, reviewer.strip(), note)
    session.flush()
    return list(found)


def _item_in_step(
    session: Session,
    finding: WordingFinding,
    decision: WordingReview,
    reviewer: str,
    note: str | None,
) -> None:
    """The console queue's item of the hit, in the same state."""
    item = session.scalar(
        select(ReviewItem).where(ReviewItem.kind == KIND, ReviewItem.subject_key == str(finding.id))
    )
    if item is None:
        item = ReviewItem(
            kind=KIND,
            subject_key=str(finding.id),
            title=f"{finding.found} → {finding.right}"[:512],
            updated_by=reviewer,
        )
        session.add(item)
    item.state = decision.value
    item.reason = note if decision == WordingReview.DISMISSED else None
    item.updated_at, item.updated_by = utcnow(), reviewer


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
