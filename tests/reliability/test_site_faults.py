"""Site down and partial failure: a fault is recorded as missing coverage, never as zero posts."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from typing import Any

from sqlalchemy import select

from db.engine import make_engine
from db.models import CrawlColumnResult, CrawlRun, SiteColumn
from samplesites.portal import SamplePortal
from samplesites.server import Response, serving
from scoring.assessment.periods import SHANGHAI
from tests.evidence_queries import counted, last_run
from tests.reliability.conftest import REPO, Faulty, run_scrapy


def _refused_url() -> str:
    """A loopback URL nobody listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _column_results(url: str, run_id: int) -> dict[str, tuple[str, str | None]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(SiteColumn.key, CrawlColumnResult.status, CrawlColumnResult.message)
            .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
            .where(CrawlColumnResult.crawl_run_id == run_id)
        ).all()
    engine.dispose()
    return {key: (status, message) for key, status, message in rows}


def _monthly_report(url: str, month: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "monthly-report", "--month", month, "--format", "json"],
        cwd=REPO,
        env={**os.environ, "EGOV_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_site_refusing_connections_or_answering_5xx_all_night_is_a_failed_run_not_zero_posts(
    evidence_url: str,
) -> None:
    now = dt.datetime.now(SHANGHAI)
    month = f"{now:%Y-%m}"
    site = SamplePortal(year=now.year, months=max(1, now.month - 1), departments=6, seed=5)
    site.add_posts(8)  # posts of this month, the month the faults hit
    with serving(site) as server:
        run_scrapy(evidence_url, server.url)
    healthy = last_run(evidence_url)
    assert healthy.status == "finished" and healthy.healthy, healthy.health_problems
    before = counted(evidence_url)
    site_departments = {unit.short_name for unit in site.units}
    assert before == dict(site.truth)

    down = _refused_url()
    log = run_scrapy(evidence_url, down)
    refused = last_run(evidence_url)
    last_line = log.strip().splitlines()[-1]
    assert last_line.startswith(f"Error: crawl run {refused.id} of sample-portal failed: ")
    assert "every column failed: bmdt, tpxw, zwdt: connection refused" in last_line
    # One wording for the nightly job (which prints the run's last problem) and scrapy crawl.
    assert last_line.endswith(f"failed: {refused.health_problems[-1]}"), refused.health_problems
    assert "[" not in refused.health_problems[-1]  # the cause in words, no exception class
    unavailable = Faulty(site, override=lambda request: Response(503, b"Service Unavailable"))
    with serving(unavailable) as server:
        run_scrapy(evidence_url, server.url)
    erroring = last_run(evidence_url)

    for run in (refused, erroring):
        assert run.status == "failed" and run.healthy is False, (run.status, run.health_problems)
        results = _column_results(evidence_url, run.id)
        assert {status for status, _ in results.values()} == {"failed"}, results
        assert len(results) == 3
    assert "ConnectionRefusedError" in " ".join(
        m or "" for _, m in _column_results(evidence_url, refused.id).values()
    )
    assert sum(unavailable.hits.values()) >= 3 * 4  # every column's list, retried
    assert counted(evidence_url) == before  # no department's count went down

    report = _monthly_report(evidence_url, month)
    coverage = dict(report["meta"])["门户覆盖 portal coverage"]
    assert coverage.startswith("incomplete")
    assert f"run {refused.id} failed" in coverage and f"run {erroring.id} failed" in coverage
    sections = {section["key"]: section["rows"] for section in report["sections"]}
    posted = [row for row in sections["departments"] if row["department"] in site_departments]
    assert len(posted) == len(site_departments)
    departments = next(s for s in report["sections"] if s["key"] == "departments")
    assert departments["flags"]["posts"] == "INCOMPLETE"  # never a bare number, never a bare zero
    for row in posted:  # and no shortfall claimed on an incomplete month
        assert row["shortfall"] is None, row


def test_one_column_timing_out_is_marked_and_the_other_columns_are_counted(
    sqlite_evidence_url: str,
) -> None:
    site = SamplePortal(months=2, departments=6, seed=11)
    hanging = Faulty(site, delay=lambda path: 4.0 if path.startswith("/zwgk/bmdt/") else 0.0)
    with serving(hanging) as server:
        log = run_scrapy(
            sqlite_evidence_url, server.url, "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=1"
        )
    run = last_run(sqlite_evidence_url)
    results = _column_results(sqlite_evidence_url, run.id)
    assert results["zwdt"][0] == "failed" and "TimeoutError" in (results["zwdt"][1] or ""), log
    assert results["bmdt"][0] == results["tpxw"][0] == "complete", results
    assert run.status == "finished" and run.healthy is False
    assert any("zwdt" in problem for problem in run.health_problems or [])
    jpage = [p for p in site.posts if p.column == "bmdt" and p.department]
    expected: dict[tuple[str, str], int] = {}
    for post in jpage:
        key = (post.department or "", f"{post.published.astimezone(SHANGHAI):%Y-%m}")
        expected[key] = expected.get(key, 0) + 1
    assert counted(sqlite_evidence_url) == expected
    engine = make_engine(sqlite_evidence_url)
    with engine.connect() as connection:
        assert connection.scalar(select(CrawlRun.status)) == "finished"
    engine.dispose()


def test_month_not_read_whole_names_what_the_crawl_after_it_met(evidence_url: str) -> None:
    """``scoring monthly-report`` says why a month is incomplete: the list page that failed."""
    site = SamplePortal(months=2, departments=6, seed=11)
    unavailable = Faulty(
        site,
        override=lambda request: (
            Response(503, b"Service Unavailable")
            if request.path == "/zwgk/bmdt/index_1.html"
            else None
        ),
    )
    with serving(unavailable) as server:
        run_scrapy(evidence_url, server.url)
    run = last_run(evidence_url)
    assert _column_results(evidence_url, run.id)["zwdt"][0] == "partial"

    report = _monthly_report(evidence_url, "2012-01")
    coverage = dict(report["meta"])["门户覆盖 portal coverage"]
    started = run.started_at.replace(tzinfo=dt.UTC).astimezone(SHANGHAI)
    assert coverage.startswith(
        f"incomplete: sample-portal: the crawl of {started:%Y-%m-%d %H:%M} was partial: "
        "column 政务动态 1 list page lost: HTTP 503 Service Unavailable"
    ), coverage
    assert "\n" not in coverage
