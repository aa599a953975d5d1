"""``scrapy crawl disclosure`` against the sample platform on 127.0.0.1, compared with its truth."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.evidence import read_body
from crawler.profiles import load_profile
from db.engine import make_engine, session_factory
from db.models import CrawlRun, Department, DisclosureDocument, FetchedPage
from db.registry import import_registry, load_registry
from db.workdays import load_calendar
from samplesites import sample_profile
from samplesites.disclosure import SampleDisclosure
from samplesites.server import LocalServer, serving
from scoring.assessment.disclosure_checks import disclosure_counts
from scoring.assessment.lags import WorkingDayIndex, calendar_in_force
from scoring.entries.register import import_explanations, import_register
from tests.crawls import scrapy_crawl

REPO = Path(__file__).resolve().parents[2]
PROFILE = sample_profile("sample-disclosure")
DECLARED = load_profile(PROFILE).declared_base_url.rstrip("/")


@pytest.fixture(scope="module")
def sample() -> SampleDisclosure:
    return SampleDisclosure()


@pytest.fixture(scope="module")
def server(sample: SampleDisclosure) -> Iterator[LocalServer]:
    with serving(sample) as running:
        yield running


def crawl(database_url: str, base_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    result = scrapy_crawl(database_url, "disclosure", PROFILE, *extra, base_url=base_url)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _session(database_url: str) -> Session:
    engine = make_engine(database_url)
    return session_factory(engine)()


@pytest.fixture
def registry_url(database_url: str) -> str:
    with _session(database_url) as session:
        import_registry(session, load_registry())
        session.commit()
    return database_url


def test_profile_lists_every_department_of_the_sample_with_its_list_kind(
    sample: SampleDisclosure,
) -> None:
    profile = load_profile(PROFILE)
    assert [(c.department, c.list_kind) for c in profile.columns] == [
        (d.short_name, d.list_kind) for d in sample.departments
    ]
    assert {"trs", "xxgk"} <= {c.list_kind for c in profile.columns}


@pytest.mark.slow
def test_crawl_stores_every_document_as_the_truth_says_then_recrawls_incrementally(
    registry_url: str, sample: SampleDisclosure, server: LocalServer, tmp_path: Path
) -> None:
    crawl(registry_url, server.url)

    with _session(registry_url) as session:
        names = dict(session.execute(select(Department.id, Department.short_name)).all())
        rows = {d.url: d for d in session.scalars(select(DisclosureDocument))}
        lags = WorkingDayIndex(calendar_in_force(), 2011)  # counted when assessing, not stored
        assert len(rows) == len(sample.truth)
        for truth in sample.truth:
            row = rows[DECLARED + truth.path]
            assert names[row.department_id] == truth.department, truth
            assert row.attribution == "department"
            assert row.doc_number_key == truth.doc_number_key, truth
            assert (row.signed_on, row.published_on) == (truth.signed_on, truth.published_on)
            assert lags.lag(row.signed_on, row.published_on) == truth.expected_lag, truth
            assert row.title == truth.title
        # Every document points at the bytes it was read from.
        some = rows[DECLARED + sample.truth[7].path]
        page = session.get(FetchedPage, some.page_id)
        assert page is not None and page.url.endswith(sample.truth[7].path)
        body = read_body(session, page.sha256)
        assert sample.truth[7].title.encode(page.encoding or "utf-8") in body
        run = session.scalar(select(CrawlRun))
        assert run is not None
        assert (run.status, run.healthy, run.health_problems) == ("finished", True, [])
        first_requests = run.stats["response_received_count"]

        # Register and explanations, as departments export them (UTF-8 BOM and GBK).
        register_file = tmp_path / "register.csv"
        register_file.write_bytes(sample.register_csv())
        explanations_file = tmp_path / "explanations.csv"
        explanations_file.write_bytes(sample.explanations_csv(encoding="gbk"))
        assert import_register(session, register_file).problems == []
        assert import_explanations(session, explanations_file).problems == []
        session.commit()
        counts = disclosure_counts(
            session, start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31), limit_days=5
        )
        by_name = {names[k]: v for k, v in counts.items()}
        expected_late = Counter(
            t.department for t in sample.truth if t.expected_lag > 5 and t.signed_on.year == 2012
        )
        for status in ("missing", "explained"):
            expected = Counter(e.department for e in sample.register if e.status == status)
            assert {n: getattr(c, status) for n, c in by_name.items() if getattr(c, status)} == (
                dict(expected)
            )
        assert {n: c.late for n, c in by_name.items() if c.late} == dict(expected_late)
        assert sum(c.published for c in counts.values()) == len(sample.truth)

    second = crawl(registry_url, server.url)
    assert "Traceback" not in second.stderr
    with _session(registry_url) as session:
        assert session.query(DisclosureDocument).count() == len(sample.truth)
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        assert len(runs) == 2
        assert runs[1].healthy, runs[1].health_problems
        assert runs[1].stats["response_received_count"] < first_requests / 3
        # Nothing new: each column's first list page proves it, and the walk stops there.
        assert runs[1].stats["response_received_count"] == len(load_profile(PROFILE).columns)
        assert "egov/disclosure/documents/department" not in runs[1].stats


@pytest.mark.slow
def test_document_in_a_year_without_calendar_data_is_stored_with_its_dates_and_judged_undatable(
    sqlite_url: str, tmp_path: Path
) -> None:
    """2003 predates chinese-calendar's data (2004-2026) but is a real, past date."""
    with _session(sqlite_url) as session:
        import_registry(session, load_registry())
        session.commit()
    calendar_2003 = tmp_path / "workdays.toml"
    calendar_2003.write_text("[[year]]\nyear = 2003\noff = [2003-01-01]\n", encoding="utf-8")
    sample = SampleDisclosure(
        year=2003, documents_per_department=(1, 1), calendar=load_calendar(calendar_2003)
    )
    with serving(sample) as running:
        crawl(sqlite_url, running.url)
    with _session(sqlite_url) as session:
        documents = session.scalars(select(DisclosureDocument)).all()
        assert len(documents) == len(sample.truth) > 0
        assert all(d.signed_on and d.signed_on.year == 2003 for d in documents)
        year = {"start": dt.date(2003, 1, 1), "end": dt.date(2003, 12, 31), "limit_days": 5}
        undatable = disclosure_counts(session, **year)
        assert sum(c.no_calendar for c in undatable.values()) == len(documents)
        dated = disclosure_counts(session, **year, calendar=load_calendar(calendar_2003))
        assert sum(c.no_calendar for c in dated.values()) == 0
        assert sum(c.on_time + c.late for c in dated.values()) == len(documents)


@pytest.mark.slow
def test_scoring_disclosure_check_lists_the_late_documents_of_a_department(
    sqlite_url: str, sample: SampleDisclosure, server: LocalServer
) -> None:
    with _session(sqlite_url) as session:
        import_registry(session, load_registry())
        session.commit()
    crawl(sqlite_url, server.url)
    department = next(
        d for d, n in Counter(t.department for t in sample.truth if t.expected_lag > 5).items()
    )
    env = {**os.environ, "EGOV_DATABASE_URL": sqlite_url}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring",
            "disclosure",
            "check",
            "--department",
            department,
            "--status",
            "late",
            "--format",
            "json",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    listed = json.loads(result.stdout)
    expected = {
        (DECLARED + t.path, t.expected_lag - 5)
        for t in sample.truth
        if t.department == department and t.expected_lag > 5
    }
    assert {(r["url"], r["working_days_late"]) for r in listed} == expected
    assert all(r["status"] == "late" for r in listed)
    assert f"{department}:" in result.stderr and "late" in result.stderr


def test_real_platform_profile_has_one_column_per_city_department() -> None:
    profile = load_profile("sx-xxgk")
    departments = [u.short_name for u in load_registry().units if u.kind == "department"]
    assert profile.kind == "disclosure"
    assert sorted(c.department or "" for c in profile.columns) == sorted(departments)
    assert all(c.options["form"]["area"] for c in profile.columns if c.list_kind == "xxgk")
