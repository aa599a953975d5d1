"""What each review queue finds in the evidence: candidates of one kind, listed or looked up.

Every kind has a ``list`` (every candidate of a year: the queue page shows them a page at a
time, and the counts are whole) and a ``lookup`` (one candidate by its subject key, or ``None``
when the evidence no longer shows it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from db.models import Attribution, DisclosureDocument, PortalPost
from scoring.assessment.backdating import Witness
from scoring.assessment.deadlines import is_undated, undated_sql
from scoring.assessment.periods import SHANGHAI, parse_year
from scoring.console import data
from scoring.console.i18n import _
from scoring.rules import Rules


@dataclass(frozen=True)
class Candidate:
    """One finding waiting for review, as the evidence shows it now."""

    kind: str
    subject_key: str
    department_id: int | None
    title: str
    detail: str
    page_id: int | None = None
    url: str | None = None
    pages: tuple[tuple[str, int], ...] = ()  # more stored pages behind it: (label, page id)


# --- unresolved names (未识别来源) -------------------------------------------------------------


def _unresolved_rows(session: Session, normalized: str | None = None):  # type: ignore[no-untyped-def]
    for model, text, name, url in (
        (
            PortalPost,
            PortalPost.source_text,
            PortalPost.source_normalized,
            PortalPost.canonical_url,
        ),
        (
            DisclosureDocument,
            DisclosureDocument.issuer_text,
            DisclosureDocument.issuer_normalized,
            DisclosureDocument.url,
        ),
    ):
        query = (
            select(name, func.count(), func.min(text), func.min(url), func.min(model.page_id))
            .where(model.attribution == Attribution.UNRESOLVED)
            .group_by(name)
        )
        if normalized is not None:
            query = query.where(name == normalized)
        yield from session.execute(query)


def _unresolved(session: Session, normalized: str | None = None) -> list[Candidate]:
    merged: dict[str, list] = {}  # type: ignore[type-arg]
    for name, count, text, url, page_id in _unresolved_rows(session, normalized):
        if not name:
            continue  # no source name at all: an alias cannot resolve it
        entry = merged.setdefault(name, [0, text, url, page_id])
        entry[0] += count
    return [
        Candidate(
            "unresolved_name",
            name,
            None,
            text or name,
            _("%(count)s posts or documents name it; normalised %(name)s")
            % {"count": count, "name": name},
            page_id,
            url,
        )
        for name, (count, text, url, page_id) in sorted(merged.items(), key=lambda i: -i[1][0])
    ]


def unresolved_list(
    session: Session, rules: Rules, year: int, cutoff: dt.datetime
) -> list[Candidate]:
    return _unresolved(session)


def unresolved_lookup(
    session: Session, rules: Rules, key: str, cutoff: dt.datetime
) -> Candidate | None:
    found = _unresolved(session, key)
    return found[0] if found else None


# --- backdated posts (倒填日期) -----------------------------------------------------------------


def _backdated_candidate(post: PortalPost, proof: tuple[Witness, ...]) -> Candidate:
    claimed = post.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    seen = post.first_seen_at.astimezone(SHANGHAI).strftime("%Y-%m-%d")
    walks = ", ".join(
        f"run {w.crawl_run_id} on {w.started_at.astimezone(SHANGHAI):%Y-%m-%d} ({w.reach})"
        for w in proof
    )
    return Candidate(
        "backdated_post",
        f"post:{post.id}",
        post.department_id,
        post.title,
        _(
            "dated %(claimed)s on the page, first seen %(seen)s; "
            "complete walks that did not list it: %(walks)s"
        )
        % {"claimed": claimed, "seen": seen, "walks": walks},
        post.page_id,
        post.canonical_url,
    )


def backdated_list(
    session: Session, rules: Rules, year: int, cutoff: dt.datetime
) -> list[Candidate]:
    months = parse_year(str(year)).months
    margin = rules.portal.backdating_margin
    posts = data.backdated_posts(session, months, cutoff, margin)
    ids = [p.id for p in posts]
    proofs = data.backdating_witnesses(session, ids, cutoff, margin, with_pages=False)
    return [_backdated_candidate(p, proofs.get(p.id, ())) for p in posts]


def backdated_lookup(
    session: Session, rules: Rules, key: str, cutoff: dt.datetime
) -> Candidate | None:
    match = re.fullmatch(r"post:(\d+)", key)
    post = session.get(PortalPost, int(match[1])) if match else None
    if post is None or post.first_seen_at > cutoff:
        return None
    margin = rules.portal.backdating_margin
    found = data.backdating_witnesses(session, [post.id], cutoff, margin, with_pages=False)
    proof = found.get(post.id)  # the witnesses are the proof: none, not backdated
    return _backdated_candidate(post, proof) if proof else None


# --- 文号 gaps ---------------------------------------------------------------------------------


def _gap_candidate(gap: data.NumberGap) -> Candidate:
    return Candidate(
        "number_gap",
        f"{gap.department_id}:{gap.doc_number_key}",
        gap.department_id,
        gap.doc_number_key,
        _("missing between %(previous)s号 and %(next)s号 of the published series")
        % {"previous": gap.previous_seq, "next": gap.next_seq},
    )


def gap_list(session: Session, rules: Rules, year: int, cutoff: dt.datetime) -> list[Candidate]:
    return [_gap_candidate(g) for g in data.gap_candidates(session, year, cutoff)]


def gap_lookup(session: Session, rules: Rules, key: str, cutoff: dt.datetime) -> Candidate | None:
    match = re.fullmatch(r"(\d+):(.*〔(\d{4})〕\d+号)", key)
    if not match:
        return None
    gaps = data.gap_candidates(session, int(match[3]), cutoff, int(match[1]))
    gap = next((g for g in gaps if g.doc_number_key == match[2]), None)
    if gap is None:
        return None
    return replace(_gap_candidate(gap), pages=data.gap_neighbours(session, gap))


# --- undated documents (无成文日期) -------------------------------------------------------------


def _undated_candidate(doc: DisclosureDocument) -> Candidate:
    missing = _("no signing date") if doc.signed_on is None else _("no publication date")
    return Candidate(
        "undated_document",
        f"document:{doc.id}",
        doc.department_id,
        f"{doc.doc_number or ''} {doc.title}".strip(),
        _("%(missing)s: cannot be judged on time or late") % {"missing": missing},
        doc.page_id,
        doc.url,
    )


def undated_list(session: Session, rules: Rules, year: int, cutoff: dt.datetime) -> list[Candidate]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    doc = DisclosureDocument
    documents = session.scalars(
        select(doc)
        .where(
            doc.attribution == Attribution.DEPARTMENT, undated_sql(doc.signed_on, doc.published_on)
        )
        .where(
            or_(
                doc.signed_on.between(start, end),
                doc.published_on.between(start, end),
                and_(doc.signed_on.is_(None), doc.published_on.is_(None)),
            )
        )
        .order_by(doc.id)
    )
    return [_undated_candidate(d) for d in documents]


def undated_lookup(
    session: Session, rules: Rules, key: str, cutoff: dt.datetime
) -> Candidate | None:
    match = re.fullmatch(r"document:(\d+)", key)
    doc = session.get(DisclosureDocument, int(match[1])) if match else None
    if doc is None or doc.attribution != Attribution.DEPARTMENT:
        return None
    if not is_undated(doc.signed_on, doc.published_on):
        return None
    return _undated_candidate(doc)
