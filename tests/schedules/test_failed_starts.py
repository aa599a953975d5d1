"""A scheduled crawl that cannot start is a failed run with its reason, said in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import CrawlRun
from samplesites import SAMPLE_PROFILES_DIR
from schedules import jobs

REPO = Path(__file__).resolve().parents[2]
SAMPLE_PROFILE = SAMPLE_PROFILES_DIR / "sample-portal.toml"


@pytest.fixture
def broken_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profile directory whose one site names a department the registry does not know."""
    sites = tmp_path / "sites"
    sites.mkdir()
    text = SAMPLE_PROFILE.read_text(encoding="utf-8")
    text = text.replace('key = "bmdt"\n', 'key = "bmdt"\ndepartment = "市不存在局"\n', 1)
    (sites / "broken-portal.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("EGOV_SITES_DIR", str(sites))
    return sites


def test_supervised_crawl_that_cannot_start_is_failed_with_the_crawlers_reason(
    configured: str, broken_sites: Path
) -> None:
    result = jobs.crawl_site("broken-portal", base_url="http://127.0.0.1:9")
    assert (result["status"], result["healthy"]) == ("failed", False)
    assert "unknown department(s) 市不存在局" in result["problem"]
    engine = make_engine(configured)
    with session_scope(engine) as session:
        [run] = session.scalars(select(CrawlRun)).all()
        assert run.id == result["crawl_run_id"]
        assert run.finish_reason.startswith("could not start: ")
    engine.dispose()

    done = subprocess.run(
        [sys.executable, "-m", "schedules", "run-once", "crawl-broken-portal"],
        cwd=REPO,
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: crawl-broken-portal: crawl run "), done.stderr[-2000:]
    assert "failed, healthy=False: could not start: " in last
    assert last.endswith("add one with `scoring aliases add`)")
    assert "Traceback" not in done.stderr


def test_nightly_crawl_of_a_site_refusing_connections_names_the_cause_as_scrapy_does(
    configured: str,
) -> None:
    result = jobs.crawl_site("sample-portal", base_url="http://127.0.0.1:9")
    assert (result["status"], result["healthy"]) == ("failed", False)
    problem = result["problem"]
    assert problem.startswith("every column failed: bmdt, tpxw, zwdt: "), problem
    assert "connection refused by 127.0.0.1:9" in problem
    assert "no column failed outright" not in problem
