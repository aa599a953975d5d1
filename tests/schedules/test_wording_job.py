"""The wording scan a crawl job runs once its evidence is written."""

from __future__ import annotations

import logging

from schedules.wording_jobs import scan_wording
from tests.inspection.test_wording_scan import store_sample, truth


def test_the_job_scans_the_new_pages_once(sqlite_url, monkeypatch):
    from db.engine import make_engine, session_scope

    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        store_sample(session)
    engine.dispose()
    monkeypatch.setenv("EGOV_DATABASE_URL", sqlite_url)
    first = scan_wording("sample-wording")
    assert first == {
        "status": "finished",
        "pages": 7,
        "hits": len(truth()),
        "new_findings": len(truth()),
    }
    assert scan_wording()["pages"] == 0


def test_a_wrong_lexicon_is_reported_and_never_fails_the_crawl(
    sqlite_url, monkeypatch, tmp_path, caplog
):
    lexicon = tmp_path / "wording.toml"
    lexicon.write_text('[rule.a]\nright = "国务院"\nwrong = ["国务"]\n', encoding="utf-8")
    monkeypatch.setenv("EGOV_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("EGOV_WORDING_FILE", str(lexicon))
    with caplog.at_level(logging.ERROR):
        outcome = scan_wording("any")
    assert outcome["status"] == "failed" and "part of the right form" in outcome["problem"]
    assert "wording scan not run" in caplog.text


def test_a_site_with_nothing_stored_yet_is_skipped(sqlite_url, monkeypatch):
    monkeypatch.setenv("EGOV_DATABASE_URL", sqlite_url)
    outcome = scan_wording("never-crawled")
    assert outcome["status"] == "skipped" and "never-crawled" in outcome["problem"]
