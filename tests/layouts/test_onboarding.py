"""Onboard the sample JPaaS portal and xxgk platform with `sites discover`, unedited, and crawl.

Each sample knows its truth; the profiles are the ones `sites discover` wrote, as written, and
every count the crawl stores must equal the truth.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from crawler.onboarding.cli import cli
from crawler.profiles import load_profile
from db.engine import make_engine, session_scope
from db.models import CrawlColumnResult, Department, DisclosureDocument, SiteColumn
from samplesites import sample_profile
from samplesites.disclosure import SampleDisclosure
from samplesites.jpaas_portal import JPAGE_COLUMN, SampleJpaasPortal
from samplesites.server import LocalServer, serving
from samplesites.xxgk_platform import UNKNOWN_UNIT, SampleXxgkPlatform
from scoring.assessment.disclosure_checks import disclosure_counts
from scoring.assessment.lags import WorkingDayIndex, calendar_in_force
from tests.crawls import scrapy_crawl
from tests.evidence_queries import counted, last_run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def portal() -> SampleJpaasPortal:
    return SampleJpaasPortal(departments=8)


@pytest.fixture(scope="module")
def portal_server(portal: SampleJpaasPortal) -> Iterator[LocalServer]:
    with serving(portal) as server:
        yield server


@pytest.fixture(scope="module")
def platform() -> SampleXxgkPlatform:
    return SampleXxgkPlatform()


@pytest.fixture(scope="module")
def platform_server(platform: SampleXxgkPlatform) -> Iterator[LocalServer]:
    with serving(platform) as server:
        yield server


def sites(database_url: str, directory: Path, *args: str) -> Result:
    env = {"EGOV_DATABASE_URL": database_url, "EGOV_SITES_DIR": str(directory)}
    return CliRunner().invoke(cli, list(args), env=env)


def crawl(database_url: str, directory: Path, spider: str, key: str) -> None:
    done = scrapy_crawl(database_url, spider, key, env={"EGOV_SITES_DIR": str(directory)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]


def column_results(database_url: str) -> dict[str, tuple[str, int, str | None]]:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(SiteColumn.key, CrawlColumnResult.status, CrawlColumnResult.items_seen,
                   CrawlColumnResult.message)
            .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        ).all()  # fmt: skip
    engine.dispose()
    return {key: (status, items, message) for key, status, items, message in rows}


@pytest.mark.slow
def test_jpaas_portal_discovered_then_crawled_counts_exactly_the_truth(
    registry_url: str, tmp_path: Path, portal: SampleJpaasPortal, portal_server: LocalServer
) -> None:
    found = sites(registry_url, tmp_path, "discover", portal_server.url + "/", "--kind", "portal",
                  "--key", "jpaas")  # fmt: skip
    assert found.exit_code == 0, found.output
    profile = tomllib.loads((tmp_path / "jpaas.toml").read_text(encoding="utf-8"))
    kinds = {c["key"]: (c["list_kind"], c.get("options", {})) for c in profile["column"]}
    assert kinds == {
        "col1229": ("jpaas", {}),
        "col1230": ("jpaas", {"paging": "param_json"}),  # found by asking for page 2
        "col1231": ("jpage", {}),
    }
    assert "col9/index.html  (not a list)" in (tmp_path / "jpaas.toml").read_text("utf-8")

    checked = sites(registry_url, tmp_path, "check", "jpaas")
    assert checked.exit_code == 0, checked.output
    assert "col1231  jpage  45     45/45" in checked.output

    crawl(registry_url, tmp_path, "portal", "jpaas")
    assert counted(registry_url) == dict(portal.truth)
    run = last_run(registry_url)
    assert (run.status, run.healthy, run.health_problems) == ("finished", True, [])
    totals = {f"col{c}": n for c, n in portal.column_totals.items()}
    assert column_results(registry_url) == {
        key: ("complete", total, None) for key, total in totals.items()
    }


@pytest.mark.slow
def test_xxgk_platform_discovered_then_crawled_attributes_and_dates_every_document(
    registry_url: str, tmp_path: Path, platform: SampleXxgkPlatform, platform_server: LocalServer
) -> None:
    found = sites(registry_url, tmp_path, "discover", platform_server.url + "/", "--kind",
                  "disclosure", "--key", "xxgk")  # fmt: skip
    assert found.exit_code == 0, found.output
    assert f"unresolved: {UNKNOWN_UNIT}" in found.output
    profile = tomllib.loads((tmp_path / "xxgk.toml").read_text(encoding="utf-8"))
    assert profile["catalogue"] == {k: v for k, v in platform.catalogue.items() if v}
    departments = {c["key"]: c.get("department") for c in profile["column"]}
    expected = {f"xxgk-{u.column}": None if u.whole_area else u.short_name for u in platform.units}
    assert departments == expected  # whole-area searches and the unknown unit: none
    ajax = {c["key"]: c["options"]["ajax"] for c in profile["column"]}
    assert ajax == {f"xxgk-{u.column}": u.standard for u in platform.units}

    checked = sites(registry_url, tmp_path, "check", "xxgk", "--format", "json")
    assert checked.exit_code == 1  # the unknown unit's 发布机构 resolves to nothing
    assert f"发布机构 '{UNKNOWN_UNIT}' matches no department" in checked.output

    crawl(registry_url, tmp_path, "disclosure", "xxgk")
    base = platform_server.url
    engine = make_engine(registry_url)
    with session_scope(engine) as session:
        names = dict(session.execute(select(Department.id, Department.short_name)).all())
        rows = {d.url: d for d in session.scalars(select(DisclosureDocument))}
        lags = WorkingDayIndex(calendar_in_force(), 2011)  # counted when assessing, not stored
        assert len(rows) == len(platform.truth)
        for truth in platform.truth:
            row = rows[base + truth.path]
            assert names.get(row.department_id) == truth.department, truth
            assert row.attribution == ("department" if truth.department else "unresolved")
            assert (row.signed_on, row.signed_on_source) == (truth.signed_on, truth.signed_source)
            assert row.published_on == truth.published_on
            dated = row.signed_on is not None and row.published_on is not None
            lag = lags.lag(row.signed_on, row.published_on) if dated else None
            assert lag == truth.expected_lag, truth
        counts = disclosure_counts(
            session, start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31), limit_days=5
        )
    engine.dispose()
    by_name = {names[k]: c for k, c in counts.items() if c.published}
    dated = [t for t in platform.truth if t.department and t.expected_lag is not None]
    assert {n: c.late for n, c in by_name.items()} == {
        n: sum(t.expected_lag > 5 for t in dated if t.department == n) for n in by_name
    }
    assert {n: c.undated for n, c in by_name.items() if c.undated} == dict(
        Counter(t.department for t in platform.truth if t.department and t.signed_on is None)
    )
    assert sum(c.published for c in by_name.values()) == sum(
        bool(t.department) for t in platform.truth
    )
    assert {s for s, _, _ in column_results(registry_url).values()} == {"complete"}


@pytest.mark.slow
def test_jpage_proxy_losing_records_leaves_the_column_incomplete_with_the_numbers(
    sqlite_registry_url: str, tmp_path: Path
) -> None:
    site = SampleJpaasPortal(departments=4, lost_records=3, proxy_cap=20)
    with serving(site) as server:
        found = sites(sqlite_registry_url, tmp_path, "discover", server.url, "--kind", "portal",
                      "--key", "lossy")  # fmt: skip
        assert found.exit_code == 0, found.output
        crawl(sqlite_registry_url, tmp_path, "portal", "lossy")
    total = site.column_totals[JPAGE_COLUMN]
    status, items, message = column_results(sqlite_registry_url)[f"col{JPAGE_COLUMN}"]
    assert (status, items) == ("partial", total - 3)
    assert f"collected {total - 3} of the {total} records the list announced" in (message or "")
    run = last_run(sqlite_registry_url)
    assert not run.healthy and any(f"col{JPAGE_COLUMN}" in p for p in run.health_problems)


def test_discover_and_check_of_an_unreachable_site_are_one_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    with serving(lambda request: None) as server:  # type: ignore[arg-type,return-value]
        url = server.url  # a port that answered a moment ago and is closed now
    result = sites(sqlite_url, tmp_path, "discover", url, "--kind", "portal", "--timeout", "2")
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach {url}")
    assert result.output.count("\n") == 1
    assert list(tmp_path.glob("*.toml")) == []
    profile = tmp_path / "gone.toml"
    profile.write_text(
        f'name = "gone"\nkind = "portal"\nbase_url = "{url}"\n[[column]]\nkey = "c"\n'
        'name = "c"\nlist_kind = "trs"\nurl = "/index.html"\n',
        encoding="utf-8",
    )
    checked = sites(sqlite_url, tmp_path, "check", str(profile), "--timeout", "2")
    assert checked.exit_code == 1 and checked.output.startswith(f"Error: cannot reach {url}")
    assert checked.output.count("\n") == 1


def test_discover_does_not_overwrite_a_profile_unless_forced(
    sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / "mine.toml").write_text("# an operator's own profile\n", encoding="utf-8")
    result = sites(sqlite_url, tmp_path, "discover", "http://127.0.0.1:9/", "--kind", "portal",
                   "--key", "mine")  # fmt: skip
    assert result.exit_code == 1 and "exists; pass --force" in result.output
    assert (tmp_path / "mine.toml").read_text(encoding="utf-8") == "# an operator's own profile\n"


def test_discover_writes_the_66_departments_of_the_trs_and_xxgk_sample_platform(
    sqlite_registry_url: str, tmp_path: Path
) -> None:
    """The profile a script once had to write, column by column, comes from one command."""
    sample = SampleDisclosure()
    with serving(sample) as server:
        found = sites(sqlite_registry_url, tmp_path, "discover", server.url, "--kind",
                      "disclosure", "--key", "platform")  # fmt: skip
    assert found.exit_code == 0, found.output
    assert "unresolved" not in found.output
    written = load_profile(str(tmp_path / "platform.toml"))
    shipped = load_profile(sample_profile("sample-disclosure"))
    assert len(written.columns) == len(sample.departments) == 66
    assert [
        (c.department, c.list_kind, c.declared_url.rsplit("/", 3)[-3:]) for c in written.columns
    ] == [(c.department, c.list_kind, c.declared_url.rsplit("/", 3)[-3:]) for c in shipped.columns]
    assert [c.options.get("form", {}).get("area") for c in written.columns] == [
        c.options.get("form", {}).get("area") for c in shipped.columns
    ]
