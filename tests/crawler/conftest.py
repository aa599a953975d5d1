"""Fixtures of the crawler tests: a database with the registry, and a real `scrapy crawl`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from db.models import CrawlRun
from samplesites import sample_profile
from tests.crawls import scrapy_crawl
from tests.evidence_queries import last_run, with_registry

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    returncode: int
    log: str
    run: CrawlRun


def crawl(url: str, base_url: str, *args: str, site: str = "") -> CrawlResult:
    """Run ``scrapy crawl portal`` of the sample portal (or ``site``) against ``base_url``."""
    site = site or sample_profile("sample-portal")
    fast = ("-s", "EGOV_RETRY_BACKOFF_BASE=0.05")
    done = scrapy_crawl(url, "portal", site, *fast, *args, base_url=base_url)
    return CrawlResult(done.returncode, done.stderr, last_run(url))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database with the registry shared by one module's tests, on each backend."""
    if request.param == "sqlite":
        return request.getfixturevalue("module_sqlite_url")
    return with_registry(request.getfixturevalue("module_pg_url"))


@pytest.fixture(scope="module")
def module_sqlite_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file with the registry, shared by the tests of one module."""
    import shutil

    path = tmp_path_factory.mktemp("crawl") / "evidence.sqlite"
    shutil.copyfile(sqlite_template, path)
    return with_registry(f"sqlite:///{path}")
