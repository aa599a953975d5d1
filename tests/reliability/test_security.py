"""Security: only profile hosts are fetched, page text reaches SQL only as bound values,
credentials come only from the environment, and the analyst role cannot change evidence."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from db.engine import make_engine
from db.models import PortalPost
from samplesites.portal import SamplePortal
from samplesites.server import Response, serving
from tests.evidence_queries import last_run
from tests.reliability.conftest import REPO, Faulty, run_scrapy

INJECTION = "'); DROP TABLE portal_posts; --"
SOURCE_DIRS = ("crawler", "db", "scoring", "schedules", "samplesites")


def test_page_text_reaches_sql_only_as_bound_values_and_offsite_redirects_are_refused(
    evidence_url: str,
) -> None:
    site = SamplePortal(months=1, departments=3, seed=3)
    target = next(p for p in site.posts if p.column == "bmdt" and p.layout == "meta")
    target.title, target.source = INJECTION + " 标题", INJECTION
    redirected = next(p for p in site.posts if p.column == "bmdt" and p is not target)
    elsewhere = Faulty(lambda request: Response(body=b"<html>not ours</html>"))
    with serving(elsewhere) as other:
        port = other.url.rsplit(":", 1)[1]
        location = f"http://localhost:{port}/art/2012/1/1/art_1229_1.html"

        def redirect(request):  # type: ignore[no-untyped-def]
            if request.path == redirected.path():
                return Response(302, b"", headers={"Location": location})
            return None

        with serving(Faulty(site, override=redirect)) as server:
            log = run_scrapy(evidence_url, server.url)
    run = last_run(evidence_url)
    assert run.finish_reason == "finished", log[-2000:]
    assert not elsewhere.hits, "a host outside the profile was fetched"
    assert (
        "refused off-site redirect" in log
        and (run.stats or {}).get("egov/offsite_redirect_refused") == 1
    )
    engine = make_engine(evidence_url)
    with engine.connect() as connection:
        assert "portal_posts" in inspect(connection).get_table_names()
        stored = connection.execute(
            select(PortalPost.title, PortalPost.source_text).where(
                PortalPost.canonical_url.like(f"%art_1229_{target.id}.html")
            )
        ).one()
        total = connection.scalar(select(func.count(PortalPost.id)))
    engine.dispose()
    assert tuple(stored) == (INJECTION + " 标题", INJECTION)
    assert total == len(site.posts) + sum(len(p.also_in) for p in site.posts) - 1


def _env_reads(path: Path) -> list[str]:
    """Return ``file:line`` of each use of the environment in ``path``.

    Handing the whole environment to a child process (``{**os.environ, ...}``) reads no value
    and is allowed; any other use of ``os.environ``, ``os.getenv`` or an ``environ`` import is not.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    passed_whole = {
        id(value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=True)
        if key is None
    }
    reads = (
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in ("getenv", "putenv"))
        or (isinstance(node, ast.ImportFrom) and "environ" in {a.name for a in node.names})
        or (
            (isinstance(node, ast.Attribute) and node.attr == "environ")
            and id(node) not in passed_whole
        )
    )
    found = sorted(set(reads))
    return [f"{path.relative_to(REPO)}:{line}" for line in found]


def test_the_environment_is_read_only_in_db_config() -> None:
    offenders = []
    for directory in SOURCE_DIRS:
        for path in sorted((REPO / directory).rglob("*.py")):
            if path != REPO / "db" / "config.py":
                offenders += _env_reads(path)
    assert _env_reads(REPO / "db" / "config.py"), "the check must see db/config.py's reads"
    assert not offenders, offenders


HARD_CODED = (
    re.compile(r"(?i)\bpass(?:word|wd)?\s*[:=]\s*['\"][^'\"$<{]{3,}['\"]"),
    re.compile(r"[a-z+]+://[^/\s:@'\"]+:(?!\$\{)[^@\s'\"/]{3,}@"),  # scheme://user:pw@
)
PLACEHOLDERS = re.compile(r"(?i):(?:secret|change-me|changeme|password)@|'change-me'")


def test_no_password_is_written_in_the_source_or_configuration() -> None:
    files = [
        p
        for d in SOURCE_DIRS
        for p in (REPO / d).rglob("*")
        if p.suffix in (".py", ".toml", ".yml", ".yaml", ".cfg", ".ini")
    ]
    files += [REPO / name for name in ("docker-compose.yml", "pyproject.toml", "alembic.ini")]
    hits = []
    for path in files:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PLACEHOLDERS.search(line):  # documentation examples, not credentials
                continue
            if any(pattern.search(line) for pattern in HARD_CODED):
                hits.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not hits, hits
    assert HARD_CODED[1].search("postgresql://egov:s3cret@db/egov")  # the check can fire
    assert HARD_CODED[0].search("password = 'hunter22'")


@pytest.fixture
def analyst(pg_url: str) -> Iterator[tuple[str, str]]:
    """A fresh role name on the test database; the role is dropped afterwards."""
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    yield pg_url, role
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}):
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


@pytest.mark.postgres
def test_the_analyst_role_can_read_the_evidence_and_change_nothing(
    analyst: tuple[str, str],
) -> None:
    url, role = analyst
    done = subprocess.run(
        [sys.executable, "-m", "scoring", "db", "grant-readonly", role],
        cwd=REPO,
        env={**os.environ, "EGOV_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    as_analyst = create_engine(make_url(url).set(username=role))
    with as_analyst.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM portal_posts")) == 0
        assert connection.scalar(text("SELECT count(*) FROM analyst_monthly_posts")) == 0
    refused = []
    for statement in (
        "INSERT INTO quarantined_items (url, reason, created_at) VALUES ('u', 'r', now())",
        "UPDATE departments SET tier = 1",
        "DELETE FROM portal_posts",
        "DROP TABLE portal_posts",
        "CREATE TABLE analyst_scratch (id int)",
        "TRUNCATE crawl_runs",
    ):
        with as_analyst.connect() as connection:
            with pytest.raises(ProgrammingError) as error:
                connection.execute(text(statement))
            refused.append(type(error.value.orig).__name__)
    as_analyst.dispose()
    assert set(refused) == {"InsufficientPrivilege"}, refused
