"""Fixtures of the crawler tests: a database with the registry, and a real `scrapy crawl`."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.models import CrawlRun, Department, PortalPost
from db.registry import import_registry, load_registry

REPO = Path(__file__).resolve().parents[2]


def with_registry(url: str) -> str:
    """Import the department registry into the migrated database at ``url``."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    engine.dispose()
    return url


@dataclass
class CrawlResult:
    returncode: int
    log: str
    run: CrawlRun


def crawl(url: str, base_url: str, *args: str) -> CrawlResult:
    """Run ``scrapy crawl portal`` as a user would, against ``base_url``, into ``url``."""
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=sample-portal"]
    command += ["-a", f"base_url={base_url}", "-s", "EGOV_RETRY_BACKOFF_BASE=0.05", *args]
    env = {**os.environ, "EGOV_DATABASE_URL": url}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    engine = make_engine(url)
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None, done.stderr[-3000:]
        session.expunge(run)
    engine.dispose()
    return CrawlResult(done.returncode, done.stderr, run)


def counted(url: str) -> dict[tuple[str, str], int]:
    """Return COUNT(DISTINCT identity_key) per (department, month), as scoring counts them."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(
                Department.short_name,
                PortalPost.published_month,
                func.count(func.distinct(PortalPost.identity_key)),
            )
            .join(Department, Department.id == PortalPost.department_id)
            .where(PortalPost.attribution == "department")
            .group_by(Department.short_name, PortalPost.published_month)
        ).all()
    engine.dispose()
    return {(name, month): count for name, month, count in rows}


def query(url: str, statement: Any) -> list[Any]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = list(session.execute(statement).all())
    engine.dispose()
    return rows


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
