"""The letters job: scheduled nightly per site, and a real run of the letters spider."""

from __future__ import annotations

import datetime as dt

import pytest

from samplesites.inspection import SHANGHAI, SampleInspectionSite
from samplesites.server import serving
from schedules.config import DEFAULT_SCHEDULES_FILE, load_schedules
from schedules.letters_job import read_letters
from tests.schedules.profiles import site_profile

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_schedules_file_reads_each_sites_letters_nightly():
    profiles = {"sx-portal": site_profile("sx-portal")}
    jobs = {spec.id: spec for spec in load_schedules(DEFAULT_SCHEDULES_FILE, profiles).jobs}
    letters = jobs["letters-sx-portal"]
    assert letters.func == "schedules.letters_job:read_letters"
    assert letters.cron.split()[2:] == ["*", "*", "*"]
    assert letters.kwargs == {"site_key": "sx-portal", "time_limit_seconds": 1800}


@SQLITE_ONLY
def test_the_letters_job_reads_every_consultation_column_whole(configured, tmp_path):
    today = dt.datetime.now(SHANGHAI).date()
    nowhere = {name: "http://127.0.0.4:9" for name in ("storage_url", "external_url", "dead_url")}
    with serving(SampleInspectionSite(today, **nowhere)) as server:
        result = read_letters("sample-inspect", base_url=server.url)
    assert (result["status"], result["columns"], result["whole"]) == ("finished", 2, 2)
    assert list((tmp_path / "var" / "logs" / "letters").glob("sample-inspect-*.log"))


def test_a_site_without_consultation_columns_is_skipped():
    assert read_letters("sx-portal")["status"] == "skipped"
