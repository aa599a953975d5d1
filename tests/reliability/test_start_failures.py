"""A crawl that cannot start says so in one line, exits non-zero, and coverage hears of it.

Each case runs ``scrapy crawl`` as a user would. Where the database can take it, the attempt is
a failed crawl run with the reason, and the month's coverage names that run: a lost night is
never read as a quiet one.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crawler.resume import columns_to_walk_whole
from db.engine import make_engine, session_scope
from db.models import CrawlRun, Site
from samplesites import sample_profile
from scoring.assessment.coverage import month_coverage
from scoring.assessment.periods import SHANGHAI
from tests.crawls import scrapy_crawl
from tests.evidence_queries import query
from tests.reliability.conftest import REPO
from tests.scoring import factories as f

SAMPLE_PROFILE = Path(sample_profile("sample-portal"))
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


NOWHERE = f"http://127.0.0.1:{_closed_port()}"  # no request may be made anyway


def crawl_portal(
    url: str, site: str, *args: str, env: dict[str, str] | None = None
) -> tuple[int, list[str]]:
    """Run ``scrapy crawl portal -a site=SITE …`` into ``url``; return status and stderr lines."""
    done = scrapy_crawl(url, "portal", site, *args, env=env)
    return done.returncode, done.stderr.splitlines()


def crawl_sample(url: str, *args: str) -> tuple[int, list[str]]:
    """Crawl the sample portal's profile against a port nothing listens on."""
    return crawl_portal(url, sample_profile("sample-portal"), "-a", f"base_url={NOWHERE}", *args)


def runs(url: str) -> list[tuple[int, str, str, str | None]]:
    return query(
        url,
        select(CrawlRun.id, Site.key, CrawlRun.status, CrawlRun.finish_reason)
        .join(Site, Site.id == CrawlRun.site_id)
        .order_by(CrawlRun.id),
    )


def coverage_reasons(url: str) -> tuple[str, ...]:
    """Why this month's portal coverage is incomplete, by scoring's own rule."""
    now = dt.datetime.now(SHANGHAI)
    engine = make_engine(url)
    with session_scope(engine) as session:
        month = month_coverage(session, "portal", (f"{now:%Y-%m}",), now)[f"{now:%Y-%m}"]
    engine.dispose()
    assert not month.complete
    return month.reasons


def broken_profile(tmp_path: Path, department: str = "市不存在局") -> Path:
    """The sample portal's profile with a department the registry does not know."""
    text_ = SAMPLE_PROFILE.read_text(encoding="utf-8")
    text_ = text_.replace('key = "bmdt"\n', f'key = "bmdt"\ndepartment = "{department}"\n', 1)
    path = tmp_path / "broken-portal.toml"
    path.write_text(text_, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the database is unusable
def test_sqlite_path_that_cannot_be_created_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    url = f"sqlite:///{tmp_path / 'a-file' / 'evidence.sqlite'}"
    status, stderr = crawl_sample(url)
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].startswith(f"Error: cannot use the evidence database {url}: File exists")


@SQLITE_ONLY
def test_sqlite_database_that_cannot_be_written_is_refused_before_any_run(
    evidence_url: str,
) -> None:
    path = evidence_url.removeprefix("sqlite:///")
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    status, stderr = crawl_sample(read_only)
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].startswith("Error: cannot use the evidence database")
    assert stderr[0].endswith("attempt to write a readonly database")
    assert runs(evidence_url) == []


def test_dead_postgresql_is_one_line_and_exit_1() -> None:
    url = f"postgresql+psycopg://postgres:secret-word@127.0.0.1:{_closed_port()}/egov"
    status, stderr = crawl_sample(url)
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].startswith("Error: cannot use the evidence database postgresql+psycopg://")
    assert "Connection refused" in stderr[0] and "secret-word" not in stderr[0]


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_database_without_the_schema_is_one_line_naming_the_fix(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    else:
        url = request.getfixturevalue("empty_pg_url")
    status, stderr = crawl_sample(url)
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].endswith("has no schema (run `scoring db upgrade`)")


# ---------------------------------------------------------------- the database takes the run
def test_unknown_department_is_a_failed_run_and_the_monthly_report_says_so(
    evidence_url: str, tmp_path: Path
) -> None:
    profile = broken_profile(tmp_path)
    status, stderr = crawl_portal(evidence_url, str(profile), "-a", f"base_url={NOWHERE}")
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].startswith(f"Error: {profile}: unknown department(s) 市不存在局")
    [(run_id, site, run_status, reason)] = runs(evidence_url)
    assert (site, run_status) == ("broken-portal", "failed")
    assert reason and reason.startswith(f"could not start: {profile}: unknown department")
    month = f"{dt.datetime.now(SHANGHAI):%Y-%m}"
    report = subprocess.run(
        [sys.executable, "-m", "scoring", "monthly-report", "--format", "json", "--month", month],
        cwd=REPO,
        env={**os.environ, "EGOV_DATABASE_URL": evidence_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    assert f"broken-portal run {run_id} failed" in report.stdout
    assert "incomplete" in report.stdout


def test_missing_profile_of_a_known_site_is_a_failed_run_of_that_site(
    evidence_url: str, tmp_path: Path
) -> None:
    engine = make_engine(evidence_url)
    with session_scope(engine) as session:
        session.add(Site(key="gone-portal", name="x", kind="portal", base_url="http://x.test/"))
    engine.dispose()
    sites = {"EGOV_SITES_DIR": str(tmp_path)}
    status, stderr = crawl_portal(evidence_url, "gone-portal", env=sites)
    assert status == 1 and len(stderr) == 1, stderr
    assert stderr[0].startswith("Error: no site profile 'gone-portal'")
    [(run_id, site, run_status, _)] = runs(evidence_url)
    assert (site, run_status) == ("gone-portal", "failed")
    assert f"gone-portal run {run_id} failed" in " ".join(coverage_reasons(evidence_url))

    status, stderr = crawl_portal(evidence_url, "never-seen", env=sites)
    assert status == 1 and len(stderr) == 1 and "no site profile 'never-seen'" in stderr[0]
    assert len(runs(evidence_url)) == 1  # an unknown site: nothing to attach a run to


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "Error: unknown option --bogus (see `scrapy crawl -h`)"),
        (["-a", "fulll=1"], "Error: unknown spider argument(s) fulll (portal takes -a site="),
    ],
)
def test_unknown_option_exits_2_in_one_line_and_records_no_run(
    evidence_url: str, args: list[str], expected: str
) -> None:
    """A typed mistake attempted nothing: no run, so no month is marked incomplete by a typo."""
    status, stderr = crawl_sample(evidence_url, *args)
    assert status == 2 and len(stderr) == 1, stderr
    assert stderr[0].startswith(expected)
    assert runs(evidence_url) == []


def _refuse_running_runs(url: str) -> None:
    """Make the database refuse to open a running crawl run (a full disk, say)."""
    engine = make_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_runs BEFORE INSERT ON crawl_runs "
                    "WHEN NEW.status = 'running' "
                    "BEGIN SELECT RAISE(ABORT, 'disk quota exceeded (injected)'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_running_runs() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.status = 'running' THEN "
                    "RAISE EXCEPTION 'disk quota exceeded (injected)'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_runs BEFORE INSERT ON crawl_runs "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_running_runs()"
                )
            )
    engine.dispose()


def test_exception_in_spider_opened_is_a_failed_run_exit_1_and_a_last_line(
    evidence_url: str,
) -> None:
    _refuse_running_runs(evidence_url)
    status, stderr = crawl_sample(evidence_url)
    [(run_id, site, run_status, reason)] = runs(evidence_url)
    assert status == 1, stderr[-20:]
    assert stderr[-1] == (
        f"Error: crawl run {run_id} of sample-portal failed: "
        "could not start: disk quota exceeded (injected)"
    )
    assert (site, run_status, reason) == (
        "sample-portal",
        "failed",
        "could not start: disk quota exceeded (injected)",
    )
    assert not any(line.startswith("Traceback") for line in stderr[-3:])
    assert f"sample-portal run {run_id} failed" in " ".join(coverage_reasons(evidence_url))


def test_a_run_that_could_not_start_does_not_send_the_next_walk_to_the_end(session) -> None:
    """It walked nothing: whether a column must be walked whole is the run before it's call."""
    portal = f.site(session)
    columns = {"news": portal.columns[0].id}
    f.run(session, portal, f.shanghai(2012, 3, 1))  # read every column whole

    def run(status: str, reason: str | None) -> int:
        row = CrawlRun(site_id=portal.id, spider="portal", status=status, finish_reason=reason)
        row.stats = {}
        session.add(row)
        session.flush()
        return row.id

    run("failed", "could not start: unknown option --bogus (see `scrapy crawl -h`)")
    assert columns_to_walk_whole(session, portal.id, run("running", None), columns) == set()
    run("failed", "shutdown")  # a crawl stopped half way: its columns may be half read
    assert columns_to_walk_whole(session, portal.id, run("running", None), columns) == {"news"}
