"""A listed document whose 整改 answer a reviewer accepted: every report says so, scores stay."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import Department, Site
from scoring.assessment.lags import calendar_in_force
from scoring.console import rectification as loop
from tests.scoring import factories as f
from tests.scoring import scenario
from tests.scoring.test_report_commands import _rows, invoke

LATE = "绍发改〔2012〕12号"
ACCEPTED_ON = f.shanghai(2012, 4, 3, 10)


@pytest.fixture
def city(database_url: str) -> dict[str, object]:
    built = scenario.build(database_url)
    built["url"] = database_url
    return built


def _late_answered(city, decision: str) -> int:  # type: ignore[no-untyped-def]
    """Send the late 文号 12 to 市发改委, answer it, then decide as ``decision`` says."""
    return _answered(city, decision, "late_document", lambda session, ndrc: f"{ndrc.id}:{LATE}")


def _answered(city, decision: str, kind: str, subject) -> int:  # type: ignore[no-untyped-def]
    """Send a finding of 市发改委 (``subject`` makes its key), answer it, decide it."""
    engine = make_engine(city["url"])
    try:
        with session_scope(engine) as session:
            ndrc = session.scalars(
                select(Department).where(Department.short_name == "市发改委")
            ).one()
            item = loop.send(
                session,
                calendar_in_force(),
                kind=kind,
                subject_key=subject(session, ndrc),
                department_id=ndrc.id,
                title=LATE,
                detail="逾期 2 个工作日",
                by="rev",
                now=f.shanghai(2012, 3, 28, 9),
                working_days=5,
            )
            loop.answer(session, item, "系统故障，已补发", [], by="fgw")
            if decision == "accepted":
                loop.decide(session, item, True, "", by="王芳", now=ACCEPTED_ON)
            elif decision == "accepted_after_cutoff":
                loop.decide(session, item, True, "", by="王芳", now=f.shanghai(2012, 4, 20))
            elif decision == "rejected":
                loop.decide(session, item, False, "说明不充分", by="王芳", now=ACCEPTED_ON)
            return item.id
    finally:
        engine.dispose()


def _monthly(city, fmt: str = "json", *extra: str):  # type: ignore[no-untyped-def]
    result = invoke(
        city,
        "monthly-report",
        "--month",
        "2012-03",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        fmt,
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result


def _explain(city, fmt: str = "json"):  # type: ignore[no-untyped-def]
    result = invoke(
        city,
        "explain",
        "--department",
        "市发改委",
        "--month",
        "2012-03",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        fmt,
    )
    assert result.exit_code == 0, result.output
    return result


def test_a_late_document_with_an_accepted_answer_is_listed_explained_and_still_late(
    city, tmp_path: Path
):
    item = _late_answered(city, "accepted")
    label = f"已采纳 #{item} (2012-04-03, 王芳)"
    first = _monthly(city)
    report = json.loads(first.stdout)
    late = _rows(report, "late_documents")["市发改委"]
    assert (late["status"], late["working_days_late"]) == ("late", 2)
    assert late["rectification"] == label
    columns = dict(next(s for s in report["sections"] if s["key"] == "late_documents")["columns"])
    assert columns["rectification"] == "整改说明 explained"
    ndrc = _rows(report, "departments")["市发改委"]
    assert (ndrc["documents_late"], ndrc["disclosure_points"]) == (1, 6.0)  # still late: 12 × 1/2

    explained = json.loads(_explain(city).stdout)
    (document,) = [
        d for d in _rows(explained, "documents", by="doc_number").values() if d["status"] == "late"
    ]
    assert (document["working_days_late"], document["rectification"]) == (2, label)
    assert label in _explain(city, "table").stdout

    for fmt in ("csv", "html", "table"):
        assert label in _monthly(city, fmt).stdout, fmt
    workbook = tmp_path / "m.xlsx"
    _monthly(city, "xlsx", "-o", str(workbook))
    cells = [c.value for sheet in load_workbook(workbook) for r in sheet.iter_rows() for c in r]
    assert label in cells and "整改说明 explained" in cells

    run_id = first.stderr.split("stored as score run")[1].split()[0].strip("#.,:")
    reprint = invoke(city, "runs", "show", run_id, "--format", "json")
    assert json.loads(reprint.stdout) == report


@pytest.mark.parametrize("decision", ["pending", "rejected", "accepted_after_cutoff"])
def test_a_pending_rejected_or_later_accepted_answer_explains_nothing(city, decision):
    _late_answered(city, decision)
    late = _rows(json.loads(_monthly(city).stdout), "late_documents")["市发改委"]
    assert (late["status"], late["rectification"]) == ("late", None)
    documents = json.loads(_explain(city).stdout)
    section = next(s for s in documents["sections"] if s["key"] == "documents")
    assert [d["rectification"] for d in section["rows"]] == [None] * len(section["rows"])
    assert "已采纳" not in _monthly(city, "csv").stdout


def test_an_undated_document_sent_from_its_review_queue_is_listed_explained(city):
    def undated(session, ndrc):  # type: ignore[no-untyped-def]
        platform = session.scalars(select(Site).where(Site.kind == "disclosure")).one()
        document = f.document(
            session,
            ndrc,
            platform=platform,
            signed_on=None,
            published_on=dt.date(2012, 3, 15),
            title="关于无成文日期文件的通知",
        )
        return f"document:{document.id}"

    item = _answered(city, "accepted", "undated_document", undated)
    section = next(
        s for s in json.loads(_monthly(city).stdout)["sections"] if s["key"] == "late_documents"
    )
    by_status = {row["status"]: row for row in section["rows"]}
    assert by_status["undated"]["rectification"] == f"已采纳 #{item} (2012-04-03, 王芳)"
    assert by_status["late"]["rectification"] is None  # another document: not explained
