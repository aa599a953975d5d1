"""Fixtures for the scheduler tests: a controlled clock and a scheduler that runs when told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine

from db.engine import make_engine
from samplesites import SAMPLE_PROFILES_DIR
from schedules.scheduler import make_scheduler
from tests.schedules import recorder

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ControlledClock:
    """The time APScheduler sees; it moves only when a test moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


class SteppedScheduler(BaseScheduler):
    """A scheduler without a thread: ``tick()`` does one pass of the real job processing."""

    def wakeup(self) -> None:
        """Nothing to wake: the test calls tick()."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> ControlledClock:
    controlled = ControlledClock(dt.datetime(2012, 3, 1, 1, 0, tzinfo=SHANGHAI))

    class ClockDateTime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return controlled.now.astimezone(tz) if tz else controlled.now

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", ClockDateTime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", ClockDateTime)
    return controlled


@pytest.fixture
def scheduler_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def start_scheduler(scheduler_engine: Engine) -> Iterator:
    """Start a stepped scheduler on the test database, as `schedules run` would after a boot."""
    started: list[SteppedScheduler] = []

    def start() -> SteppedScheduler:
        scheduler = make_scheduler(
            scheduler_engine,
            "Asia/Shanghai",
            scheduler_class=SteppedScheduler,
            executor=DebugExecutor(),
        )
        scheduler.start()
        started.append(scheduler)
        return scheduler

    yield start
    for scheduler in started:
        if scheduler.running:
            scheduler.shutdown(wait=False)


@pytest.fixture(autouse=True)
def _clear_recorder() -> Iterator[None]:
    recorder.CALLS.clear()
    yield
    recorder.CALLS.clear()


@pytest.fixture
def configured(database_url: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point this process's settings at the test database (with the registry) and a temp dir."""
    from db.engine import session_scope
    from db.registry import import_registry, load_registry

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    engine.dispose()
    monkeypatch.setenv("EGOV_DATABASE_URL", database_url)
    monkeypatch.setenv("EGOV_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("EGOV_SITES_DIR", str(SAMPLE_PROFILES_DIR))  # the sample sites' profiles
    monkeypatch.delenv("EGOV_REPORTS_DIR", raising=False)
    monkeypatch.delenv("EGOV_RULES_FILE", raising=False)
    return database_url
