"""`schedules status`: what runs where, and what is late."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from db.engine import make_engine, session_scope
from db.models import CrawlRun, Site, utcnow
from schedules import locks
from tests.schedules.test_cli import env_for, schedules


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_status_shows_the_running_crawl_with_its_machine_and_the_site_that_missed_its_night(
    database_url, tmp_path
):
    engine = make_engine(database_url)
    locks.acquire(engine, "sx-portal", dt.timedelta(minutes=5), holder="crawler-2:4242:ab12cd34")
    with session_scope(engine) as session:
        site = Site(key="sx-xxgk", name="信息公开", kind="disclosure", base_url="http://x/")
        session.add(site)
        session.flush()
        run = CrawlRun(site_id=site.id, spider="disclosure", status="finished", stats={})
        run.finished_at = utcnow() - dt.timedelta(days=3)
        session.add(run)
    engine.dispose()
    result = schedules(["status", "--format", "json"], env_for(database_url, tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    running = [r for r in rows if r["state"] == "running"]
    assert running == [
        {
            "state": "running",
            "what": "crawl sx-portal",
            "where": "crawler-2 pid 4242",
            "since": running[0]["since"],
            "detail": running[0]["detail"],
        }
    ]
    late = {r["what"] for r in rows if r["state"] == "late"}
    assert "crawl sx-xxgk" in late
