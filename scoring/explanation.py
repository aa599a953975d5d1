"""The evidence behind one department's month, for ``scoring explain``.

The numbers come from an :class:`~scoring.assessment.Assessment` narrowed to the department;
this module adds what only an explanation shows: each post of the month with its URL and stored
page, whether it counted or repeated another, and the analyst entries that apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FetchedPage, ManualScore, PortalPost
from scoring.assessment import Assessment
from scoring.backdating import backdated_post_ids
from scoring.periods import SHANGHAI, Period
from scoring.reporting.model import pts


@dataclass(frozen=True)
class ExplainEvidence:
    """Rows of evidence for one unit and month, ready to print."""

    unit_id: int
    posts: tuple[dict[str, Any], ...]
    entries: tuple[dict[str, Any], ...]


def load_explain_evidence(
    session: Session, assessment: Assessment, unit_id: int
) -> ExplainEvidence:
    """Read the posts and analyst entries behind ``unit_id``'s numbers in ``assessment``."""
    return ExplainEvidence(
        unit_id,
        tuple(_posts(session, unit_id, assessment.month, assessment.cutoff)),
        tuple(_entries(session, unit_id, assessment.period)),
    )


def _posts(
    session: Session, department_id: int, month: str, cutoff: dt.datetime
) -> list[dict[str, Any]]:
    backdated = backdated_post_ids(session, department_id, month, cutoff)
    rows = session.execute(
        select(PortalPost, FetchedPage.sha256, FetchedPage.fetched_at)
        .join(FetchedPage, FetchedPage.id == PortalPost.page_id)
        .where(
            PortalPost.department_id == department_id,
            PortalPost.attribution == "department",
            PortalPost.published_month == month,
        )
        .order_by(PortalPost.published_at, PortalPost.id)
    ).all()
    seen: set[str] = set()
    out = []
    for post, sha256, fetched_at in rows:
        if post.first_seen_at > cutoff:
            counted = "after cut-off"
        elif post.identity_key in seen:
            counted = "duplicate"
        else:
            counted = "yes"
            seen.add(post.identity_key)
        out.append(
            {
                "published_at": post.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "title": post.title,
                "counted": counted,
                "backdated": post.id in backdated,
                "url": post.canonical_url,
                "identity_key": post.identity_key,
                "page_id": post.page_id,
                "page_sha256": sha256,
                "fetched_at": fetched_at.isoformat(),
                "first_seen_at": post.first_seen_at.isoformat(),
            }
        )
    return out


def _entries(session: Session, department_id: int, period: Period) -> list[dict[str, Any]]:
    labels = [
        period.label,
        f"{period.year}Q{(int(period.last_month[5:]) + 2) // 3}",
        str(period.year),
    ]
    entries = session.scalars(
        select(ManualScore)
        .where(ManualScore.department_id == department_id, ManualScore.period.in_(labels))
        .order_by(ManualScore.id)
    )
    return [
        {
            "id": e.id,
            "period": e.period,
            "kind": e.kind,
            "item_key": e.item_key,
            "points": pts(e.points),
            "reason": e.reason,
            "entered_by": e.entered_by,
            "entered_at": e.entered_at.isoformat(),
        }
        for e in entries
    ]
