"""The weekly full walk reaches what the nightly incremental walk cannot: backdated posts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import CrawlColumnResult, PortalPost
from samplesites.portal import SHANGHAI, SamplePortal
from samplesites.server import serving
from schedules import jobs
from schedules.config import DEFAULT_SCHEDULES_FILE, ScheduleError, load_schedules
from schedules.crawl import crawl_command
from scoring.assessment.backdating import BACKDATED, verdicts
from tests.schedules.profiles import site_profile

PROFILE = site_profile("sx-portal", name="中国绍兴", base_url="http://www.sx.gov.cn/")


def test_schedules_file_asks_for_a_full_walk_on_sundays() -> None:
    spec = load_schedules(DEFAULT_SCHEDULES_FILE, profiles={"sx-portal": PROFILE}).jobs[0]
    assert spec.kwargs["full_walk_weekday"] == 6


def test_unknown_full_walk_day_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "schedules.toml"
    text = DEFAULT_SCHEDULES_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace('full_walk_day = "sun"', 'full_walk_day = "sunday"'), "utf-8")
    with pytest.raises(
        ScheduleError, match=r"^schedules.toml: crawls › full_walk_day: Input should be 'mon'"
    ):
        load_schedules(path, profiles={"sx-portal": PROFILE})


def test_full_walk_adds_the_spider_argument() -> None:
    assert crawl_command("portal", "sx-portal", full=True)[-2:] == ["-a", "full=1"]
    assert "full=1" not in crawl_command("portal", "sx-portal")


@pytest.mark.parametrize(
    ("utc", "is_sunday"),
    [
        (dt.datetime(2026, 11, 28, 16, 30, tzinfo=dt.UTC), True),  # Sunday 00:30 in Shanghai
        (dt.datetime(2026, 11, 28, 15, 30, tzinfo=dt.UTC), False),  # still Saturday there
    ],
)
def test_the_full_walk_day_is_a_shanghai_day(utc: dt.datetime, is_sunday: bool) -> None:
    assert jobs.is_weekday(utc, 6, "Asia/Shanghai") is is_sunday


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_post_inserted_deep_in_a_list_is_missed_nightly_and_caught_by_the_full_walk(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = SamplePortal(year=2012, seed=11, months=3, departments=6)
    today = dt.datetime.now(dt.UTC).astimezone(SHANGHAI).weekday()
    not_today = (today + 1) % 7
    with serving(site) as server:
        first = jobs.crawl_site("sample-portal", base_url=server.url, full_walk_weekday=not_today)
        assert (first["status"], first["full_walk"]) == ("finished", False)
        deep = site.add_posts(1, published=dt.datetime(2012, 1, 20, 10, 0, tzinfo=SHANGHAI))[0]
        nightly = jobs.crawl_site("sample-portal", base_url=server.url, full_walk_weekday=not_today)
        assert nightly["full_walk"] is False
        assert _verdict(configured, deep.title) is None  # not stored
        weekly = jobs.crawl_site("sample-portal", base_url=server.url, full_walk_weekday=today)
    assert (weekly["status"], weekly["full_walk"]) == ("finished", True)
    # found, and proved backdated by the first crawl's complete walk: it read the whole list
    # years after the claimed date, before the post was first seen. The nightly walk stopped
    # at stored posts, so it proves nothing.
    assert _verdict(configured, deep.title) == (BACKDATED, (first["crawl_run_id"],))
    assert _reached_end(configured, nightly["crawl_run_id"]) == {False}
    assert _reached_end(configured, weekly["crawl_run_id"]) == {True}


def _verdict(url: str, title: str) -> tuple[str, tuple[int, ...]] | None:
    """None when the post is not stored, else its backdating verdict and witness runs."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        post = session.scalars(select(PortalPost).where(PortalPost.title == title)).first()
        found = None
        if post is not None:
            now = dt.datetime.now(dt.UTC)
            verdict = verdicts(session, [post], now, dt.timedelta(days=7))[post.id]
            found = verdict.status, tuple(w.crawl_run_id for w in verdict.witnesses)
    engine.dispose()
    return found


def _reached_end(url: str, run_id: int) -> set[bool]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        walks = session.scalars(
            select(CrawlColumnResult.reached_end).where(CrawlColumnResult.crawl_run_id == run_id)
        )
        reached = set(walks)
    engine.dispose()
    return reached
