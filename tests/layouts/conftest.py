"""Fixtures of the layout and onboarding tests: a registry database, profile files, servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.evidence_queries import with_registry


@pytest.fixture
def registry_url(database_url: str) -> str:
    """A migrated database holding the department registry, on each backend."""
    return with_registry(database_url)


@pytest.fixture
def sqlite_registry_url(sqlite_url: str) -> str:
    return with_registry(sqlite_url)


@pytest.fixture
def sites_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An operator's own profile directory, named by EGOV_SITES_DIR."""
    directory = tmp_path / "sites"
    directory.mkdir()
    monkeypatch.setenv("EGOV_SITES_DIR", str(directory))
    yield directory
