"""The migrations are the schema: they go up and down on both backends and match the models."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from db.config import Settings
from db.migrate import check, downgrade, upgrade
from db.models import Base
from db.workdays import load_calendar
from scoring.api import publish, reprint
from tests.scoring import scenario


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


def test_stored_runs_and_lags_survive_a_downgrade_below_the_assessment_and_back(
    database_url: str, tmp_path: Path
) -> None:
    """0008 stores runs compactly and derives lags; below it the old forms come back, exactly."""
    scenario.build(database_url)
    settings = Settings(database_url, tmp_path, None, tmp_path)
    cutoff = dt.datetime(2013, 2, 1, tzinfo=dt.UTC)
    run = publish("annual", "2012", cutoff, settings=settings)
    printed = {fmt: reprint(run.run_id, fmt, settings) for fmt in ("json", "xlsx", "html")}
    assert run.provisional

    downgrade(database_url, "0007")
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            lags = connection.execute(
                text(
                    "SELECT signed_on, published_on, lag_working_days FROM disclosure_documents"
                    " WHERE signed_on IS NOT NULL"
                )
            ).all()
    finally:
        engine.dispose()
    calendar = load_calendar()
    assert lags and all(
        lag == calendar.lag_working_days(_day(signed), _day(published))
        for signed, published, lag in lags
    )

    upgrade(database_url)
    assert {fmt: reprint(run.run_id, fmt, settings) for fmt in printed} == printed


def _day(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
