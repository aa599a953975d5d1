"""文号 gaps: numbers missing from a department's published series, candidates for review.

12 and 14 published, 13 not: 13 is a candidate, unless the register marks it classified (涉密),
a 不予公开说明 exists, or it was listed on the platform with a page that is gone (its list title
shows the number, or the register's title for it): it was published. Candidates are listed for
an analyst, never scored by themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from db.docnumber import compact
from db.models import Attribution, DisclosureDocument, NondisclosureExplanation, SignedDocument
from scoring.assessment.gone import gone_document_entries
from scoring.assessment.register_matching import known_by, normalise_title
from scoring.bulk import fetch_tuples

_BRACKETS = str.maketrans("[【(（［〖{", "〔〔〔〔〔〔〔") | str.maketrans(
    "]】)）］〗}", "〕〕〕〕〕〕〕"
)


@dataclass(frozen=True)
class NumberGap:
    """A number missing from a department's published 文号 series: a candidate for review."""

    department_id: int
    prefix: str
    year: int
    missing_seq: int
    previous_seq: int
    next_seq: int

    @property
    def doc_number_key(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.missing_seq}号"


def number_gaps(
    session: Session,
    *,
    year: int | None,
    department_id: int | None = None,
    departments: Collection[int] | None = None,
    cutoff: dt.datetime | None = None,
) -> list[NumberGap]:
    """List numbers missing between published numbers of each department's 文号 series.

    A series is one department, one prefix, one year. One aggregate finds the series with a
    hole (fewer distinct numbers than their span); only those are read number by number.
    Numbers the register marks classified (涉密) or that have a 不予公开说明 are not
    candidates: their absence is accounted for.
    """
    if year is None:
        return []
    if department_id is not None:
        departments = [department_id]
    doc = DisclosureDocument
    where = [
        doc.attribution == Attribution.DEPARTMENT,
        doc.department_id.is_not(None),
        doc.doc_number_year == year,
        doc.doc_number_seq.is_not(None),
        doc.doc_number_prefix.is_not(None),
        known_by(doc.first_seen_at, cutoff),
    ]
    if departments is not None:
        where.append(doc.department_id.in_(list(departments)))
    seq = doc.doc_number_seq
    holey = [
        (department_id, prefix)
        for department_id, prefix, low, high, distinct in fetch_tuples(
            session,
            select(
                doc.department_id,
                doc.doc_number_prefix,
                func.min(seq),
                func.max(seq),
                func.count(seq.distinct()),
            )
            .where(*where)
            .group_by(doc.department_id, doc.doc_number_prefix),
        )
        if distinct < high - low + 1
    ]
    series_rows = []
    for chunk in range(0, len(holey), 500):
        series_rows += fetch_tuples(
            session,
            select(doc.department_id, doc.doc_number_prefix, seq)
            .where(*where)
            .where(
                tuple_(doc.department_id, doc.doc_number_prefix).in_(holey[chunk : chunk + 500])
            ),
        )
    return _gaps(session, series_rows, year, cutoff)


def _gaps(
    session: Session,
    series_rows: Iterable[tuple[int, str, int]],
    year: int,
    cutoff: dt.datetime | None,
) -> list[NumberGap]:
    """Numbers missing between published numbers of each department's 文号 series.

    A series is one department, one prefix, one year. Numbers the register marks classified
    (涉密) or that have a 不予公开说明 are not candidates: their absence is accounted for.
    """
    series: dict[tuple[int, str], set[int]] = defaultdict(set)
    for department_id, prefix, seq in series_rows:
        series[(department_id, prefix)].add(seq)
    holes = []
    for (department_id, prefix), numbers in sorted(series.items()):
        for previous, following in pairwise(sorted(numbers)):
            holes += [
                NumberGap(department_id, prefix, year, seq, previous, following)
                for seq in range(previous + 1, following)
            ]
    if not holes:
        return []
    accounted = set(
        fetch_tuples(
            session,
            select(SignedDocument.department_id, SignedDocument.doc_number_key).where(
                SignedDocument.classified.is_(True),
                SignedDocument.doc_number_key.is_not(None),
                known_by(SignedDocument.imported_at, cutoff),
            ),
        )
    ) | set(
        fetch_tuples(
            session,
            select(
                NondisclosureExplanation.department_id, NondisclosureExplanation.doc_number_key
            ).where(known_by(NondisclosureExplanation.imported_at, cutoff)),
        )
    )
    accounted |= _listed_but_gone(session, holes, cutoff)
    return [gap for gap in holes if (gap.department_id, gap.doc_number_key) not in accounted]


def _listed_but_gone(
    session: Session, holes: list[NumberGap], cutoff: dt.datetime | None
) -> set[tuple[int, str]]:
    """The holes a disclosure list showed (by 文号 in its title, or the register's title)."""
    gone = gone_document_entries(session, cutoff)
    if not gone:
        return set()
    listed = "\n".join(_folded(title) for _, title in gone)
    found = {
        (h.department_id, h.doc_number_key) for h in holes if _folded(h.doc_number_key) in listed
    }
    titles = {normalise_title(title) for _, title in gone}
    keys = sorted({h.doc_number_key for h in holes})
    for chunk in range(0, len(keys), 500):
        for department_id, key, title in fetch_tuples(
            session,
            select(
                SignedDocument.department_id, SignedDocument.doc_number_key, SignedDocument.title
            ).where(SignedDocument.doc_number_key.in_(keys[chunk : chunk + 500])),
        ):
            if normalise_title(title) in titles:
                found.add((department_id, key))
    return found


def _folded(text: str) -> str:
    """A 文号 or a title with every bracket pair as 〔〕, full-width folded, no spaces."""
    folded = compact(text)
    return folded.translate(_BRACKETS)
