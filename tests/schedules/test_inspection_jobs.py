"""The inspection's jobs: scheduled from the schedules file, supervised, never left running."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import LinkCheckRun
from samplesites import SAMPLE_PROFILES_DIR
from samplesites.inspection import SHANGHAI, SampleInspectionSite
from samplesites.server import serving
from schedules.config import DEFAULT_SCHEDULES_FILE, ScheduleError, load_schedules
from schedules.crawl import run_spider_process
from schedules.inspection_jobs import (
    _last_run_id,
    close_link_check,
    probe_site,
    send_warnings,
)
from tests.inspection.test_warnings import build_month
from tests.schedules.profiles import site_profile

FAKE = str(Path(__file__).with_name("fake_linkcheck.py"))
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PROFILES = {key: site_profile(key) for key in ("sx-portal", "sample-inspect")}


def test_schedules_file_probes_every_3_hours_checks_links_daily_and_warns_on_the_20th():
    jobs = {spec.id: spec for spec in load_schedules(DEFAULT_SCHEDULES_FILE, PROFILES).jobs}
    probe, links, warnings = (
        jobs["probe-sx-portal"],
        jobs["linkcheck-sx-portal"],
        jobs["early-warnings"],
    )
    assert probe.func == "schedules.inspection_jobs:probe_site"
    assert probe.cron.split()[1] == "*/3" and probe.kwargs["site_key"] == "sx-portal"
    assert links.cron.split()[2:] == ["*", "*", "*"]  # every day
    assert warnings.cron.split()[2] == "20"
    # every profile of the directory is inspected (the samples live outside it, in samplesites/)
    assert {"probe-sx-portal", "probe-sample-inspect"} <= set(jobs)


def test_an_unknown_inspection_key_is_a_one_line_error(tmp_path):
    path = tmp_path / "schedules.toml"
    text = DEFAULT_SCHEDULES_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("[inspection.probes]", "[inspection.probe]"), "utf-8")
    with pytest.raises(ScheduleError, match=r"^schedules.toml: inspection › probe: unknown key"):
        load_schedules(path, PROFILES)


@SQLITE_ONLY
@pytest.mark.parametrize(("mode", "status"), [("hang", "killed"), ("crash", "failed")])
def test_a_link_check_that_overruns_or_crashes_is_closed_not_left_running(
    engine, database_url, tmp_path, mode, status
):
    before = _last_run_id(engine)
    started = time.monotonic()
    outcome = run_spider_process(
        [sys.executable, FAKE, "sx-portal", mode],
        time_limit=5,
        stop_grace=5,
        log_file=tmp_path / "linkcheck.log",
        env={**os.environ, "EGOV_DATABASE_URL": database_url},
    )
    assert time.monotonic() - started < 30
    result = close_link_check(engine, "sx-portal", before, outcome)
    assert result["status"] == status
    with session_scope(engine) as session:
        [run] = session.scalars(select(LinkCheckRun)).all()
        assert run.status == status and run.finished_at is not None
        if mode == "hang":
            assert run.finish_reason == "time limit of 5s exceeded"
        else:
            assert run.finish_reason == "process exited with status 3"


def test_the_warnings_job_finds_and_routes_the_findings_of_its_day(
    session, database_url, monkeypatch
):
    build_month(session)
    monkeypatch.setenv("EGOV_DATABASE_URL", database_url)
    result = send_warnings(dry_run=True, day="2019-03-20")
    # The bundled targets file routes nothing: every finding is reported as having no target.
    assert result == {"day": "2019-03-20", "findings": 6, "no target": 6}


@SQLITE_ONLY
def test_the_probe_job_runs_its_spider_and_reports_what_it_stored(
    database_url, monkeypatch, tmp_path
):
    monkeypatch.setenv("EGOV_DATABASE_URL", database_url)
    monkeypatch.setenv("EGOV_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("EGOV_SITES_DIR", str(SAMPLE_PROFILES_DIR))
    today = dt.datetime.now(SHANGHAI).date()
    nowhere = {name: "http://127.0.0.4:9" for name in ("storage_url", "external_url", "dead_url")}
    sample = SampleInspectionSite(today, **nowhere)
    with serving(sample) as server:
        probed = probe_site("sample-inspect", base_url=server.url)
    assert probed["status"] == "finished" and probed["probes"] == 3  # home and 2 columns
    assert list((tmp_path / "var" / "logs" / "probe").glob("sample-inspect-*.log"))
