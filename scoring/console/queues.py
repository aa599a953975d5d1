"""Review queues (复核队列): what a reviewer must look at, and the steps an item goes through.

Each queue is a :class:`Queue` with a ``kind`` and two functions over the evidence: ``list``
(the candidates of a year) and ``lookup`` (one candidate by its subject key). Candidates are
computed, never copied: a ``review_items`` row exists only once someone acted, and holds the
state (open → confirmed / dismissed with a reason → fixed). Every step goes to the audit log.
A new kind of finding is one more :class:`Queue` passed to :func:`register_queue` (as the
inspection findings, 国办检查指标, are); the tables stay as they are. A ``city_wide`` queue holds
findings of no department and is closed to liaisons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.attribution import ReattributionSummary, add_alias, reattribute, refresh_review_queue
from db.models import (
    Department,
    NameStatus,
    ReviewItem,
    ReviewState,
    UnresolvedName,
    utcnow,
)
from scoring.console.audit import record
from scoring.console.findings import (
    Candidate,
    backdated_list,
    backdated_lookup,
    gap_list,
    gap_lookup,
    undated_list,
    undated_lookup,
    unresolved_list,
    unresolved_lookup,
)
from scoring.console.gone import KIND as GONE_KIND
from scoring.console.gone import gone_list, gone_lookup
from scoring.console.i18n import N_, _
from scoring.console.inspections import KIND as INSPECTION_KIND
from scoring.console.inspections import inspection_list, inspection_lookup
from scoring.console.wording import KIND as WORDING_KIND
from scoring.console.wording import mirror_review, wording_list, wording_lookup
from scoring.rules import Rules

DISMISS_REASONS = ("不属实 not true", "重复 duplicate", "不在范围 out of scope")


@dataclass(frozen=True)
class Queue:
    kind: str
    title: str
    explanation: str
    list: Callable[[Session, Rules, int, dt.datetime], list[Candidate]]
    lookup: Callable[[Session, Rules, str, dt.datetime], Candidate | None]
    city_wide: bool = False  # findings of no department: the whole queue is closed to liaisons


@dataclass(frozen=True)
class Entry:
    """A candidate (or a past item whose finding is gone) with its review state."""

    candidate: Candidate
    item: ReviewItem | None

    @property
    def state(self) -> str:
        return self.item.state if self.item else ReviewState.OPEN


# (from-states, to-state) of each step
TRANSITIONS = {
    "confirm": (frozenset({ReviewState.OPEN}), ReviewState.CONFIRMED),
    "dismiss": (frozenset({ReviewState.OPEN, ReviewState.CONFIRMED}), ReviewState.DISMISSED),
    "fix": (frozenset({ReviewState.CONFIRMED}), ReviewState.FIXED),
    "reopen": (
        frozenset({ReviewState.CONFIRMED, ReviewState.DISMISSED, ReviewState.FIXED}),
        ReviewState.OPEN,
    ),
}


class ReviewError(ValueError):
    """A step that cannot be taken from the item's state, or without its reason."""


QUEUES: dict[str, Queue] = {}


def register_queue(queue: Queue) -> None:
    QUEUES[queue.kind] = queue


for _queue in (
    Queue(
        "unresolved_name",
        N_("Unresolved names"),
        N_(
            "Source or issuer names that match no unit. Resolve one by adding it as an alias: "
            "every earlier post and document with that name is credited at once."
        ),
        unresolved_list,
        unresolved_lookup,
        city_wide=True,
    ),
    Queue(
        "backdated_post",
        N_("Backdated posts"),
        N_(
            "Posts proved backdated: a complete walk of their column, run more than the margin "
            "after the date on the page and reaching back past it, did not list them; they "
            "appeared later. A post first seen late after a gap in the crawls is not provable "
            "and is not listed."
        ),
        backdated_list,
        backdated_lookup,
    ),
    Queue(
        "number_gap",
        N_("Document-number gaps"),
        N_(
            "Numbers missing from a department's published 文号 series: a document may have been "
            "signed and never disclosed. Candidates only: never scored by themselves."
        ),
        gap_list,
        gap_lookup,
    ),
    Queue(
        "undated_document",
        N_("Undated documents"),
        N_(
            "Published documents without a signing or publication date: not provable either way, "
            "left out of the on-time share."
        ),
        undated_list,
        undated_lookup,
    ),
    Queue(
        INSPECTION_KIND,
        N_("Inspection findings"),
        N_(
            "National inspection indicators (国办秘函〔2019〕19号) at warning, veto or deduction "
            "for each site with probes or link checks, as scoring inspection judges them on "
            "today's evidence; ok and not provable indicators are never listed. One item per "
            "site, indicator and month: a finding confirmed this month stays confirmed until the "
            "month ends, and is open again next month if the indicator still fails."
        ),
        inspection_list,
        inspection_lookup,
        city_wide=True,
    ),
    Queue(
        WORDING_KIND,
        N_("Wording hits"),
        N_(
            "Wrong forms of the wording lexicon found in the stored pages' text, with the "
            "sentence around each and the right form. Only a confirmed hit counts toward the "
            "serious-error veto; a hit not yet reviewed is awaiting review, never a veto. The "
            "same review as on the command line."
        ),
        wording_list,
        wording_lookup,
        city_wide=True,
    ),
):
    register_queue(_queue)

register_queue(
    Queue(
        GONE_KIND,
        N_("Listed pages that are gone"),
        N_(
            "Posts and documents a list showed whose page the site answers 404, 410 or an error "
            "page for: published, but unreadable, so counted for nobody and never a coverage "
            "hole. Each with its list entry (title and date as listed) and what the site "
            "answered; it leaves the queue when the page comes back and is stored."
        ),
        gone_list,
        gone_lookup,
        city_wide=True,
    )
)


def entries(
    session: Session,
    queue: Queue,
    rules: Rules,
    year: int,
    cutoff: dt.datetime,
    scope: set[int] | None,
) -> list[Entry]:
    """The queue's candidates with their states, then past items whose finding is gone."""
    candidates = queue.list(session, rules, year, cutoff)
    items = {
        i.subject_key: i
        for i in session.scalars(select(ReviewItem).where(ReviewItem.kind == queue.kind))
    }
    result = [Entry(c, items.pop(c.subject_key, None)) for c in candidates]
    for item in items.values():
        gone = Candidate(
            item.kind,
            item.subject_key,
            item.department_id,
            item.title,
            _("no longer in the evidence"),
        )
        result.append(Entry(gone, item))
    if scope is not None:
        result = [e for e in result if e.candidate.department_id in scope]
    return result


def find(session: Session, rules: Rules, kind: str, key: str, cutoff: dt.datetime) -> Entry | None:
    queue = QUEUES.get(kind)
    if queue is None:
        return None
    item = session.scalar(
        select(ReviewItem).where(ReviewItem.kind == kind, ReviewItem.subject_key == key)
    )
    candidate = queue.lookup(session, rules, key, cutoff)
    if candidate is None and item is not None:
        candidate = Candidate(
            kind, key, item.department_id, item.title, _("no longer in the evidence")
        )
    return Entry(candidate, item) if candidate is not None else None


def _item_for(session: Session, entry: Entry, actor: str) -> ReviewItem:
    if entry.item is not None:
        return entry.item
    c = entry.candidate
    item = ReviewItem(
        kind=c.kind,
        subject_key=c.subject_key,
        department_id=c.department_id,
        title=c.title[:512],
        state=ReviewState.OPEN,
        updated_by=actor,
    )
    session.add(item)
    session.flush()
    return item


def step(
    session: Session, entry: Entry, action: str, actor: str, reason: str = "", note: str = ""
) -> ReviewItem:
    """Take one step (confirm, dismiss, fix, reopen) and log it."""
    if action not in TRANSITIONS:
        raise ReviewError(f"no such step: {action!r}")
    allowed, target = TRANSITIONS[action]
    if entry.state not in allowed:
        raise ReviewError(f"cannot {action} an item that is {entry.state}")
    reason = reason.strip()
    if action == "dismiss" and not reason:
        raise ReviewError("a dismissal needs a reason (不属实 / 重复 / 不在范围 or your own words)")
    item = _item_for(session, entry, actor)
    before = item.state
    item.state = target
    item.reason = reason if target == ReviewState.DISMISSED else None
    item.updated_at = utcnow()
    item.updated_by = actor
    if item.kind == "unresolved_name":
        _mirror_name_status(session, item.subject_key, target)
    if item.kind == WORDING_KIND:
        mirror_review(session, item.subject_key, target, actor, item.reason or "")
    session.flush()
    record(
        session,
        actor,
        action,
        f"{item.kind}:{item.subject_key}",
        review_item_id=item.id,
        department_id=item.department_id,
        from_state=before,
        to_state=target,
        reason=reason or None,
        details={"note": note} if note else None,
    )
    return item


def _mirror_name_status(session: Session, normalized: str, state: str) -> None:
    """Keep ``scoring aliases review`` in step: a dismissed name is ignored there too."""
    row = session.scalar(select(UnresolvedName).where(UnresolvedName.normalized == normalized))
    if row is not None and row.status != NameStatus.RESOLVED:
        row.status = NameStatus.IGNORED if state == ReviewState.DISMISSED else NameStatus.OPEN


def resolve_name(
    session: Session, entry: Entry, short_name: str, alias: str, actor: str
) -> tuple[ReviewItem, ReattributionSummary]:
    """Add ``alias`` for a unit, credit every earlier post and document, close the item."""
    if entry.state not in (ReviewState.OPEN, ReviewState.CONFIRMED):
        raise ReviewError(f"the name is already {entry.state}")
    unit = session.scalar(select(Department).where(Department.short_name == short_name))
    if unit is None:
        raise ReviewError(f"no department or county named {short_name!r}")
    row = add_alias(session, short_name, alias, actor)
    moved = reattribute(session)
    refresh_review_queue(session)
    item = _item_for(session, entry, actor)
    before = item.state
    item.state, item.updated_at, item.updated_by = ReviewState.FIXED, utcnow(), actor
    item.department_id = unit.id
    session.flush()
    record(
        session,
        actor,
        "alias_added",
        f"unresolved_name:{item.subject_key}",
        review_item_id=item.id,
        department_id=unit.id,
        from_state=before,
        to_state=ReviewState.FIXED,
        details={
            "alias": row.alias,
            "department": short_name,
            "posts_reattributed": moved.posts,
            "documents_reattributed": moved.documents,
        },
    )
    return item, moved
