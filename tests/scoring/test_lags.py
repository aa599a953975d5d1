"""Lags and deadlines are derived when assessing, from the calendar in force, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import DisclosureDocument
from db.workdays import load_calendar
from scoring.assessment import lags
from scoring.assessment.deadlines import DeadlineTable, status_sql
from scoring.assessment.disclosure_checks import disclosure_counts
from scoring.assessment.lags import WorkingDayIndex, calendar_in_force
from scoring.cli import cli
from tests.evidence_queries import document_verdicts
from tests.scoring import factories as f

D = dt.date


def test_working_day_index_counts_exactly_as_the_calendar_does():
    calendar = calendar_in_force()
    index = WorkingDayIndex(calendar, 2012)
    rng = random.Random(2012)
    for _ in range(3000):
        signed = D(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 14 * 365))
        published = signed + dt.timedelta(days=rng.randint(-5, 40))
        if published.year > max(calendar.covered_years):
            assert index.lag(signed, published) is None
            continue
        expected = calendar.lag_working_days(signed, published)
        assert index.lag(signed, published) == expected, (signed, published)
        assert index.lag(signed.isoformat(), published.isoformat()) == expected


def test_sql_verdicts_equal_the_python_verdicts_on_every_signing_day_of_a_year(session):
    """The database judges with the deadline table; Python judges the few it re-reads."""
    index = WorkingDayIndex(calendar_in_force(), 2012)
    deadlines = DeadlineTable(index, D(2012, 1, 1), D(2012, 12, 31), 5)
    platform = f.site(session, "disclosure")
    unit = f.department(session, "市发改委", tier=1)
    expected = {}
    for day in range(0, 366, 3):
        signed = D(2012, 1, 1) + dt.timedelta(days=day)
        for wait in (0, 6, 7, 8, 9, 12):
            published = signed + dt.timedelta(days=wait)
            row = f.document(
                session, unit, platform=platform, signed_on=signed, published_on=published
            )
            lag = index.lag(signed, published)
            expected[row.id] = "on_time" if lag <= 5 else "late"
    table = deadlines.load(session)
    doc = DisclosureDocument
    verdict = status_sql(doc.signed_on, doc.published_on, table)
    found = dict(
        session.execute(
            select(doc.id, verdict).select_from(
                doc.__table__.outerjoin(table, table.c.day == doc.signed_on)
            )
        ).all()
    )
    assert found == expected
    assert {row_id: deadlines.status(*_dates(session, row_id)) for row_id in found} == expected
    assert set(expected.values()) == {"on_time", "late"}


def _dates(session, row_id):
    row = session.get(DisclosureDocument, row_id)
    return row.signed_on, row.published_on


def test_a_year_the_calendar_did_not_cover_becomes_dated_once_covered(session, tmp_path: Path):
    platform = f.site(session, "disclosure")
    unit = f.department(session, "市发改委", tier=1)
    # 2027 is beyond the package's data: Monday 1 March, published Monday 8 March
    f.document(
        session, unit, platform=platform, signed_on=D(2027, 3, 1), published_on=D(2027, 3, 8)
    )
    year = {"start": D(2027, 1, 1), "end": D(2027, 12, 31), "limit_days": 5}
    before = disclosure_counts(session, **year)[unit.id]
    assert (before.published, before.no_calendar, before.on_time, before.late) == (1, 1, 0, 0)
    [listed] = document_verdicts(session, **year)
    assert listed.status == "no_calendar" and "2027" in listed.note

    covered = tmp_path / "workdays.toml"
    covered.write_text('[[year]]\nyear = 2027\noff = ["2027-03-04"]\n', encoding="utf-8")
    calendar = load_calendar(covered)
    after = disclosure_counts(session, **year, calendar=calendar)[unit.id]
    assert (after.no_calendar, after.on_time) == (0, 1)  # 2, 3, 5, 8 March: lag 4
    [dated] = document_verdicts(session, **year, calendar=calendar)
    assert (dated.status, dated.lag_working_days) == ("on_time", 4)


@pytest.fixture
def calendar_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The calendar in force, as a file the test may correct (db/data/workdays.toml's stand-in)."""
    path = tmp_path / "workdays.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(lags, "CALENDAR_FILE", path)
    return path


def test_a_calendar_correction_changes_a_stored_documents_verdict_on_the_next_report(
    database_url: str, calendar_file: Path
):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        platform = f.site(session, "disclosure")
        unit = f.department(session, "市发改委", tier=1)
        # Friday 28 September 2012, published Monday 8 October after the National Day week:
        # Saturday 29 September was a make-up working day (调休), so the lag is 2: on time.
        f.document(
            session,
            unit,
            platform=platform,
            signed_on=D(2012, 9, 28),
            published_on=D(2012, 10, 8),
            title="国庆前签发的文件",
        )
    engine.dispose()
    runner = CliRunner()
    env = {"EGOV_DATABASE_URL": database_url}
    args = ["monthly-report", "--month", "2012-09", "--cutoff", "2012-12-31", "--format", "json"]

    first = runner.invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    row = _department_row(first.stdout)
    assert (row["documents_published"], row["documents_late"]) == (1, 0)

    # a correction entered in the calendar file: 2-5 October were working days after all,
    # so 29 Sep, 2-5 Oct and 8 Oct make 6 working days: one day late
    calendar_file.write_text(
        '[[year]]\nyear = 2012\nworking = ["2012-10-02", "2012-10-03", "2012-10-04", '
        '"2012-10-05"]\n',
        encoding="utf-8",
    )
    second = runner.invoke(cli, args, env=env)
    assert second.exit_code == 0, second.output
    assert _department_row(second.stdout)["documents_late"] == 1
    late = next(s for s in json.loads(second.stdout)["sections"] if s["key"] == "late_documents")[
        "rows"
    ]
    assert [(r["title"], r["status"], r["working_days_late"]) for r in late] == [
        ("国庆前签发的文件", "late", 1)
    ]


def _department_row(stdout: str) -> dict:
    report = json.loads(stdout)
    rows = next(s for s in report["sections"] if s["key"] == "departments")["rows"]
    return next(r for r in rows if r["department"] == "市发改委")
