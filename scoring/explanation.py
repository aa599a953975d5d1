"""The evidence behind one department's month, for ``scoring explain``.

The numbers come from an :class:`~scoring.assessment.assess.Assessment` narrowed to the department;
this module adds what only an explanation shows: each post of the month with its URL and stored
page, whether it counted or repeated another, the proof behind each backdating verdict (the
walks that should have listed the post, with the list pages they fetched), and the analyst
entries that apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attribution, FetchedPage, ManualScore, PortalPost
from scoring.assessment.assess import Assessment
from scoring.assessment.backdating import BackdatingVerdict, verdicts
from scoring.assessment.periods import SHANGHAI, Period
from scoring.reporting.model import pts


@dataclass(frozen=True)
class ExplainEvidence:
    """Rows of evidence for one unit and month, ready to print."""

    unit_id: int
    posts: tuple[dict[str, Any], ...]
    entries: tuple[dict[str, Any], ...]
    backdating: tuple[dict[str, Any], ...] = ()  # one row per walk proving a post backdated


def load_explain_evidence(
    session: Session, assessment: Assessment, unit_id: int
) -> ExplainEvidence:
    """Read the posts and analyst entries behind ``unit_id``'s numbers in ``assessment``."""
    margin = assessment.rules.portal.backdating_margin
    rows = _post_rows(session, unit_id, assessment.month)
    found = verdicts(session, [post for post, _, _ in rows], assessment.cutoff, margin)
    return ExplainEvidence(
        unit_id,
        tuple(_posts(rows, found, assessment.cutoff)),
        tuple(_entries(session, unit_id, assessment.period)),
        tuple(_backdating(rows, found)),
    )


def _post_rows(
    session: Session, department_id: int, month: str
) -> list[tuple[PortalPost, str, dt.datetime]]:
    rows = session.execute(
        select(PortalPost, FetchedPage.sha256, FetchedPage.fetched_at)
        .join(FetchedPage, FetchedPage.id == PortalPost.page_id)
        .where(
            PortalPost.department_id == department_id,
            PortalPost.attribution == Attribution.DEPARTMENT,
            PortalPost.published_month == month,
        )
        .order_by(PortalPost.published_at, PortalPost.id)
    ).all()
    return [(post, sha256, fetched_at) for post, sha256, fetched_at in rows]


def _posts(
    rows: list[tuple[PortalPost, str, dt.datetime]],
    found: dict[int, BackdatingVerdict],
    cutoff: dt.datetime,
) -> list[dict[str, Any]]:
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
                "backdating": found[post.id].status,
                "url": post.canonical_url,
                "identity_key": post.identity_key,
                "page_id": post.page_id,
                "page_sha256": sha256,
                "fetched_at": fetched_at.isoformat(),
                "first_seen_at": post.first_seen_at.isoformat(),
            }
        )
    return out


def _backdating(
    rows: list[tuple[PortalPost, str, dt.datetime]], found: dict[int, BackdatingVerdict]
) -> list[dict[str, Any]]:
    """The proof of each backdated post: one row per complete walk that did not list it."""
    out = []
    for post, _, _ in rows:
        for walk in found[post.id].witnesses:
            pages = "; ".join(
                f"#{p.list_index} page {p.page_id} {p.url} sha256 {p.sha256[:12]}"
                for p in walk.pages
            )
            out.append(
                {
                    "title": post.title,
                    "url": post.canonical_url,
                    "claimed": _local(post.published_at),
                    "first_seen_at": _local(post.first_seen_at),
                    "verdict": found[post.id].status,
                    "crawl_run_id": walk.crawl_run_id,
                    "column": walk.column_key,
                    "walk_started_at": _local(walk.started_at),
                    "walk_finished_at": _local(walk.finished_at),
                    "reach": walk.reach,
                    "list_pages": f"{len(walk.pages)}: {pages}" if pages else "0",
                }
            )
    return out


def _local(instant: dt.datetime) -> str:
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


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
