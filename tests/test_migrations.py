"""The migrations are the schema: they go up and down on both backends and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from db.migrate import check, downgrade, upgrade
from db.models import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite'}"
    return request.getfixturevalue("empty_pg_url")


def test_upgrade_creates_every_model_table_and_check_finds_no_drift(empty_url: str) -> None:
    upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
    check(empty_url)


def test_downgrade_to_base_removes_every_table_and_upgrade_again_works(empty_url: str) -> None:
    upgrade(empty_url)
    downgrade(empty_url, "base")
    assert _tables(empty_url) == set()
    upgrade(empty_url)
    assert set(Base.metadata.tables) <= _tables(empty_url)
