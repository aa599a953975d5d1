"""Wording hits (严重错误 candidates) as a review queue: the console's view of the same review.

Each hit of the wording scan (:mod:`scoring.inspection.wording_scan`) is a candidate, whatever
its review, so that a hit reviewed on the command line shows its state here too. The review is
kept twice and always in step: the queue's ``review_items`` row (state, reason, who) and the
hit's own ``wording_findings.review``, which the 严重错误 indicator counts. A console step
writes both (:func:`mirror_review`); ``scoring inspection findings confirm|dismiss`` writes both
(:func:`scoring.inspection.wording_review.review`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FetchedPage, ReviewState, Site, WordingFinding, WordingReview, utcnow
from scoring.assessment.periods import shanghai_midnight
from scoring.console.findings import Candidate
from scoring.console.i18n import N_, _
from scoring.inspection.wording_review import KIND, REVIEW_OF_STATE
from scoring.rules import Rules

__all__ = ["KIND", "mirror_review", "wording_list", "wording_lookup"]

# the names a reviewer reads for a hit's own review (待复核, 已确认, 已排除), never the key
REVIEW_NAMES = {
    WordingReview.PENDING: N_("awaiting review"),
    WordingReview.CONFIRMED: N_("confirmed"),
    WordingReview.DISMISSED: N_("dismissed"),
}


def _query():  # type: ignore[no-untyped-def]
    return (
        select(WordingFinding, Site, FetchedPage.url)
        .join(Site, Site.id == WordingFinding.site_id)
        .join(FetchedPage, FetchedPage.id == WordingFinding.page_id)
    )


def _candidate(finding: WordingFinding, site: Site, url: str) -> Candidate:
    review = WordingReview(finding.review)
    by = _(" by %(user)s") % {"user": finding.reviewed_by} if finding.reviewed_by else ""
    return Candidate(
        KIND,
        str(finding.id),
        None,
        f"{finding.found} → {finding.right} — {site.name} ({site.key})",
        _("“%(sentence)s” (rule %(rule)s; %(review)s%(by)s)")
        % {
            "sentence": finding.sentence,
            "rule": finding.rule_key,
            "review": _(REVIEW_NAMES[review]),
            "by": by,
        },
        finding.page_id,
        url,
    )


def wording_list(session: Session, rules: Rules, year: int, cutoff: dt.datetime) -> list[Candidate]:
    """Every hit found by ``cutoff`` on a page stored in ``year`` (Asia/Shanghai)."""
    start = shanghai_midnight(dt.date(year, 1, 1))
    end = shanghai_midnight(dt.date(year + 1, 1, 1))
    rows = session.execute(
        _query()
        .where(WordingFinding.found_at < cutoff)
        .where(FetchedPage.fetched_at >= start, FetchedPage.fetched_at < end)
        .order_by(Site.key, FetchedPage.url, WordingFinding.offset)
    ).all()
    return [_candidate(*row) for row in rows]


def wording_lookup(
    session: Session, rules: Rules, key: str, cutoff: dt.datetime
) -> Candidate | None:
    if not key.isdigit():
        return None
    row = session.execute(_query().where(WordingFinding.id == int(key))).first()
    return _candidate(*row) if row is not None else None


def mirror_review(session: Session, key: str, state: str, actor: str, reason: str) -> None:
    """Keep the hit's own review in step with a console step on its item."""
    finding = session.get(WordingFinding, int(key)) if key.isdigit() else None
    if finding is None:
        return
    finding.review = REVIEW_OF_STATE[state]
    finding.reviewed_by = actor if state != ReviewState.OPEN else None
    finding.reviewed_at = utcnow() if state != ReviewState.OPEN else None
    finding.review_note = reason or None
