"""Shared fixtures: real databases built by the real migrations.

``database_url`` is parametrised over a SQLite file and the PostgreSQL server on 127.0.0.1. The
schema is migrated once per session into a template (a file copied per test on SQLite, a
``CREATE DATABASE … TEMPLATE`` per test on PostgreSQL), so each test gets its own database.
PostgreSQL tests are skipped when the server is unreachable, except under ``CI=true``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from db.engine import make_engine, session_factory
from db.migrate import upgrade
from tests.evidence_queries import with_registry

PG_SERVER_URL = os.environ.get(
    "EGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def _pg_admin_engine() -> Engine | None:
    engine = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "no server here"
        engine.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL unreachable at {PG_SERVER_URL} under CI=true: {error}")
        return None
    return engine


def _pg_url(database: str) -> str:
    return PG_SERVER_URL.rsplit("/", 1)[0] + "/" + database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "evidence.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[tuple[Engine, str]]:
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_SERVER_URL}")
    name = f"egov_tmpl_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    upgrade(_pg_url(name))
    yield admin, name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of this test's own."""
    path = tmp_path / "evidence.sqlite"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _cloned_pg_database(pg_template: tuple[Engine, str]) -> Iterator[str]:
    admin, template = pg_template
    name = f"egov_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _pg_url(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_template: tuple[Engine, str]) -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own."""
    yield from _cloned_pg_database(pg_template)


@pytest.fixture(scope="module")
def module_pg_url(pg_template: tuple[Engine, str]) -> Iterator[str]:
    """A migrated PostgreSQL database shared by the tests of one module."""
    yield from _cloned_pg_database(pg_template)


@pytest.fixture(scope="module")
def module_sqlite_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file with the registry, shared by the tests of one module."""
    path = tmp_path_factory.mktemp("module") / "evidence.sqlite"
    shutil.copyfile(sqlite_template, path)
    return with_registry(f"sqlite:///{path}")


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database with the registry shared by one module's tests, on each backend."""
    if request.param == "sqlite":
        return request.getfixturevalue("module_sqlite_url")
    return with_registry(request.getfixturevalue("module_pg_url"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database of this test's own, on each backend in turn."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """An empty PostgreSQL database (no schema), for migration tests."""
    admin = _pg_admin_engine()
    if admin is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_SERVER_URL}")
    name = f"egov_empty_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
