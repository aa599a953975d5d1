"""On time, late, missing, explained, undated, and 文号 gaps, on hand-built rows, both databases."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import astuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DisclosureDocument, NondisclosureExplanation
from scoring.assessment.disclosure_checks import (
    DisclosureCounts,
    disclosure_counts,
    judge_disclosure,
)
from scoring.assessment.number_gaps import number_gaps
from scoring.assessment.periods import month_end, month_start
from tests.disclosure.conftest import DocumentFactory, RegisterFactory, dept_id
from tests.evidence_queries import document_verdicts

D = dt.date.fromisoformat
YEAR = {"start": D("2012-01-01"), "end": D("2012-12-31"), "limit_days": 5}


def _explain(session: Session, department: str, key: str) -> None:
    session.add(
        NondisclosureExplanation(
            department_id=dept_id(session, department),
            doc_number=key,
            doc_number_key=key,
            reason="内部事务",
            source_file="hand-built",
        )
    )
    session.flush()


def test_counts_split_on_time_late_missing_explained_and_undated(
    registry_session: Session, add_document: DocumentFactory, add_register: RegisterFactory
) -> None:
    session = registry_session
    add_document("市发改委", "绍市发改〔2012〕1号", D("2012-03-05"), D("2012-03-05"))
    add_document("市发改委", "绍市发改[2012]2号", D("2012-03-05"), D("2012-03-12"))
    add_document("市发改委", "绍市发改【2012】3号", D("2012-03-05"), D("2012-03-13"))
    add_document("市发改委", "无", None, D("2012-04-01"))  # undated, no number
    add_document("市发改委", "绍市发改〔2011〕9号", D("2011-12-20"), D("2012-01-05"))
    add_register("市发改委", "绍市发改〔2012〕2号", D("2012-03-05"))  # published
    add_register("市发改委", "绍市发改（2012）4号", D("2012-04-05"))  # missing
    add_register("市发改委", "绍市发改〔2012〕5号", D("2012-04-06"))  # explained
    add_register("市发改委", "绍市发改〔2012〕6号", D("2012-04-07"), classified=True)
    add_register("市发改委", "绍市发改〔2011〕10号", D("2011-12-28"))  # outside the period
    _explain(session, "市发改委", "绍市发改〔2012〕5号")
    add_document("市财政局", "绍市财〔2012〕1号", D("2012-10-03"), D("2012-10-15"))
    add_document(None, "某〔2012〕1号", D("2012-03-01"), D("2012-03-02"))  # unresolved
    session.commit()

    counts = disclosure_counts(session, **YEAR)

    fgw = counts[dept_id(session, "市发改委")]
    assert fgw == DisclosureCounts(
        published=4, on_time=2, late=1, missing=1, explained=1, undated=1
    )
    assert fgw.judged == 4 and fgw.on_time_share == 0.5
    assert counts[dept_id(session, "市财政局")] == DisclosureCounts(published=1, late=1)
    assert counts[dept_id(session, "市教育局")] == DisclosureCounts()
    assert sum(c.published for c in counts.values()) == 5


def test_the_limit_comes_from_the_caller(
    registry_session: Session, add_document: DocumentFactory
) -> None:
    add_document("市发改委", "绍市发改〔2012〕3号", D("2012-03-05"), D("2012-03-13"))
    registry_session.commit()
    counts = disclosure_counts(registry_session, start=YEAR["start"], end=YEAR["end"], limit_days=6)
    assert counts[dept_id(registry_session, "市发改委")].on_time == 1


def test_document_reached_at_two_urls_counts_once_with_its_earliest_publication(
    registry_session: Session, add_document: DocumentFactory
) -> None:
    add_document("市发改委", "绍市发改〔2012〕7号", D("2012-05-02"), D("2012-05-15"))
    add_document("市发改委", "绍市发改[2012]7号", D("2012-05-02"), D("2012-05-04"))
    registry_session.commit()
    counts = disclosure_counts(registry_session, **YEAR)
    assert counts[dept_id(registry_session, "市发改委")] == DisclosureCounts(published=1, on_time=1)
    verdicts = document_verdicts(registry_session, **YEAR)
    assert [(v.status, v.lag_working_days) for v in verdicts] == [("on_time", 2)]


def test_verdicts_list_each_document_with_days_late_and_evidence(
    registry_session: Session, add_document: DocumentFactory, add_register: RegisterFactory
) -> None:
    session = registry_session
    late = add_document("市发改委", "绍市发改〔2012〕3号", D("2012-03-05"), D("2012-03-15"))
    add_document("市发改委", "绍市发改〔2012〕1号", D("2012-03-01"), D("2012-03-02"))
    add_register("市发改委", "绍市发改〔2012〕2号", D("2012-03-02"))
    add_document("市财政局", "绍市财〔2012〕1号", D("2012-10-03"), D("2012-10-08"))
    session.commit()

    verdicts = document_verdicts(session, **YEAR, department_id=dept_id(session, "市发改委"))

    by_status = {v.status: v for v in verdicts}
    assert sorted(by_status) == ["late", "missing", "on_time"]
    assert by_status["late"].working_days_late == 3
    assert (by_status["late"].url, by_status["late"].page_id) == (late.url, late.page_id)
    assert by_status["missing"].doc_number_key == "绍市发改〔2012〕2号"
    assert by_status["missing"].url is None
    assert len(document_verdicts(session, **YEAR)) == 4


def test_gaps_in_a_number_series_are_listed_minus_classified_and_explained(
    registry_session: Session, add_document: DocumentFactory, add_register: RegisterFactory
) -> None:
    session = registry_session
    for seq in (12, 14, 15, 19):
        add_document("市发改委", f"绍市发改〔2012〕{seq}号", D("2012-06-01"), D("2012-06-01"))
    add_document("市发改委", "绍市发改办〔2012〕3号", D("2012-06-01"), D("2012-06-01"))
    add_document("市发改委", "绍市发改办〔2012〕5号", D("2012-06-01"), D("2012-06-01"))
    add_document("市发改委", "绍市发改〔2011〕1号", D("2011-06-01"), D("2011-06-01"))
    add_document("市发改委", "绍市发改〔2011〕3号", D("2011-06-01"), D("2011-06-01"))
    add_register("市发改委", "绍市发改〔2012〕16号", D("2012-06-01"), classified=True)
    _explain(session, "市发改委", "绍市发改〔2012〕17号")
    add_register("市发改委", "绍市发改〔2012〕18号", D("2012-06-01"))  # missing: still a gap
    add_document("市财政局", "绍市财〔2012〕1号", D("2012-06-01"), D("2012-06-01"))
    add_document("市财政局", "绍市财〔2012〕3号", D("2012-06-01"), D("2012-06-01"))
    session.commit()

    fgw = dept_id(session, "市发改委")
    gaps = number_gaps(session, year=2012, department_id=fgw)

    assert [(g.prefix, g.missing_seq, g.previous_seq, g.next_seq) for g in gaps] == [
        ("绍市发改", 13, 12, 14),
        ("绍市发改", 18, 15, 19),
        ("绍市发改办", 4, 3, 5),
    ]
    assert gaps[0].doc_number_key == "绍市发改〔2012〕13号"
    everyone = number_gaps(session, year=2012)
    assert {g.department_id for g in everyone} == {fgw, dept_id(session, "市财政局")}
    assert [g.missing_seq for g in number_gaps(session, year=2011)] == [2]


def test_evidence_recorded_after_the_cutoff_does_not_change_the_counts(
    registry_session: Session, add_document: DocumentFactory, add_register: RegisterFactory
) -> None:
    """A past report computed again with its cut-off gives the numbers it gave then."""
    session = registry_session
    add_register("市发改委", "绍市发改〔2012〕7号", D("2012-03-05"))
    add_register("市发改委", "绍市发改〔2012〕8号", D("2012-03-06"))
    session.commit()
    cutoff = dt.datetime.now(dt.UTC)
    add_document("市发改委", "绍市发改〔2012〕7号", D("2012-03-05"), D("2012-03-20"))
    add_register("市发改委", "绍市发改〔2012〕9号", D("2012-03-07"))
    _explain(session, "市发改委", "绍市发改〔2012〕8号")
    session.commit()

    fgw = dept_id(session, "市发改委")
    then = disclosure_counts(session, **YEAR, cutoff=cutoff)[fgw]
    now = disclosure_counts(session, **YEAR)[fgw]

    assert then == DisclosureCounts(missing=2)
    assert now == DisclosureCounts(published=1, late=1, missing=1, explained=1)
    statuses = [v.status for v in document_verdicts(session, **YEAR, cutoff=cutoff)]
    assert statuses == ["missing", "missing"]


def test_counts_month_by_month_equal_each_month_judged_alone(
    registry_session: Session, add_document: DocumentFactory, add_register: RegisterFactory
) -> None:
    """The board's months come from one judgement of the year, bucketed by signing month."""
    session = registry_session
    rng = random.Random(12)
    for n in range(1, 121):
        department = ("市发改委", "市财政局")[n % 2]
        signed = D("2012-01-01") + dt.timedelta(days=rng.randint(0, 360))
        published = signed + dt.timedelta(days=rng.choice((0, 3, 6, 9, 30)))
        add_document(department, f"绍市发改〔2012〕{n}号", signed, published)
    # 2号 reached again at another URL, later: its better reading counts, once
    again = session.scalars(
        select(DisclosureDocument).where(DisclosureDocument.doc_number_seq == 2)
    )
    first = next(iter(again))
    add_document(
        "市发改委", "绍市发改〔2012〕2号", first.signed_on, first.signed_on + dt.timedelta(days=40)
    )
    add_document("市发改委", None, None, D("2012-05-03"))  # undated: its publication month
    add_register("市发改委", "绍市发改〔2012〕900号", D("2012-06-04"))  # missing
    add_register("市财政局", "绍市发改〔2012〕901号", D("2012-07-09"))  # explained
    _explain(session, "市财政局", "绍市发改〔2012〕901号")
    session.commit()

    year = judge_disclosure(session, **YEAR, month_start=D("2012-12-01"), by_month=True)

    units = [dept_id(session, name) for name in ("市发改委", "市财政局")]
    total = {unit: [0] * 7 for unit in units}
    for month in range(1, 13):
        label = f"2012-{month:02d}"
        alone = judge_disclosure(
            session, start=month_start(label), end=month_end(label), limit_days=5
        ).ytd
        for unit in units:
            counts = year.by_month.get((unit, label), DisclosureCounts())
            assert counts == alone.get(unit, DisclosureCounts()), (unit, label)
            total[unit] = [a + b for a, b in zip(total[unit], astuple(counts), strict=True)]
    assert {unit: DisclosureCounts(*values) for unit, values in total.items()} == year.ytd
    assert year.month == {
        unit: year.by_month[(unit, "2012-12")]
        for unit in units
        if (unit, "2012-12") in year.by_month
    }
    assert sum(c.published for c in year.ytd.values()) == 121  # 2号 once, the undated one too
    assert sum(c.late for c in year.ytd.values()) > 0
    assert sum(c.missing for c in year.ytd.values()) == 1
