"""`scrapy crawl portal` against the sample portal on 127.0.0.1, into SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crawler.evidence import read_body
from db.engine import make_engine, session_scope
from db.models import (
    CrawlColumnResult,
    FetchedPage,
    PortalPost,
    PostListing,
    SiteColumn,
    UnresolvedName,
)
from samplesites import sample_profile
from samplesites.portal import SHANGHAI, SamplePortal
from samplesites.server import LocalServer, serving
from scoring.assessment.backdating import BACKDATED, verdicts
from tests.crawler.conftest import crawl
from tests.evidence_queries import counted, query, with_registry

pytestmark = pytest.mark.slow


def _columns(url: str, run_id: int) -> dict[str, tuple[str, int]]:
    rows = query(
        url,
        select(SiteColumn.key, CrawlColumnResult.status, CrawlColumnResult.items_seen)
        .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        .where(CrawlColumnResult.crawl_run_id == run_id),
    )
    return {key: (status, items) for key, status, items in rows}


def test_full_crawl_counts_match_the_site_truth_on_each_backend(database_url: str) -> None:
    site = SamplePortal(months=2, departments=9)
    with serving(site) as server:
        result = crawl(with_registry(database_url), server.url)
    assert result.returncode == 0, result.log[-3000:]
    assert result.run.status == "finished" and result.run.healthy, result.run.health_problems
    assert counted(database_url) == dict(site.truth)
    assert {s for s, _ in _columns(database_url, result.run.id).values()} == {"complete"}


@dataclass
class Crawled:
    url: str
    site: SamplePortal
    run_status: str
    stats: dict[str, object]


@pytest.fixture(scope="module")
def crawled(module_database_url: str) -> Iterator[Crawled]:
    """One crawl of a sample that answers 503 once on every 7th path, on each backend."""
    site = SamplePortal(months=3, departments=12, transient_503_every=7)
    with serving(site) as server:
        result = crawl(module_database_url, server.url)
    assert result.returncode == 0, result.log[-3000:]
    yield Crawled(module_database_url, site, result.run.status, result.run.stats)


def test_transient_503_is_retried_and_nothing_is_lost(crawled: Crawled) -> None:
    assert crawled.stats["downloader/response_status_count/503"] > 0
    assert crawled.stats["retry/count"] == crawled.stats["downloader/response_status_count/503"]
    assert crawled.run_status == "finished"
    assert counted(crawled.url) == dict(crawled.site.truth)


def test_post_reached_through_two_columns_and_a_pinned_duplicate_counts_once(
    crawled: Crawled,
) -> None:
    twice = [p for p in crawled.site.posts if p.also_in]
    assert twice
    rows = query(
        crawled.url,
        select(PortalPost.identity_key, func.count())
        .where(PortalPost.title.in_([p.title for p in twice]))
        .group_by(PortalPost.identity_key),
    )
    assert len(rows) == len(twice) and {n for _, n in rows} == {2}  # two URLs, one identity
    pinned = crawled.site.pinned
    assert pinned is not None
    assert query(crawled.url, select(func.count()).where(PortalPost.title == pinned.title)) == [
        (1 + len(pinned.also_in),)
    ]
    listings = query(crawled.url, select(func.count()).select_from(PostListing))
    assert listings[0][0] >= len(crawled.site.posts) + len(twice)


def test_outside_source_is_stored_and_counted_for_nobody(crawled: Crawled) -> None:
    outside = [p for p in crawled.site.posts if p.source in ("新华社", "浙江日报", "绍兴日报")]
    rows = query(
        crawled.url,
        select(PortalPost.attribution, PortalPost.department_id).where(
            PortalPost.title.in_([p.title for p in outside])
        ),
    )
    assert len(rows) == len(outside) > 0
    assert set(rows) == {("external", None)}


def test_unresolved_source_is_stored_and_waits_in_the_review_queue(crawled: Crawled) -> None:
    unknown = {p.source for p in crawled.site.posts if p.department is None} - {
        "新华社", "浙江日报", "绍兴日报"
    }  # fmt: skip
    queue = query(
        crawled.url, select(UnresolvedName.example_text).where(UnresolvedName.status == "open")
    )
    assert unknown and unknown == {text for (text,) in queue}
    stored = query(crawled.url, select(func.count()).where(PortalPost.attribution == "unresolved"))
    assert stored[0][0] == sum(1 for p in crawled.site.posts if p.source in unknown)


def test_posts_at_month_boundary_count_for_their_own_months(crawled: Crawled) -> None:
    late, early = _boundary(crawled.site)
    rows = dict(
        query(
            crawled.url,
            select(PortalPost.title, PortalPost.published_month).where(
                PortalPost.title.in_([late.title, early.title])
            ),
        )
    )
    assert rows == {late.title: "2012-01", early.title: "2012-02"}


def _boundary(site: SamplePortal) -> tuple:
    times = {p.published: p for p in site.posts}
    return (
        times[dt.datetime(2012, 1, 31, 23, 59, tzinfo=SHANGHAI)],
        times[dt.datetime(2012, 2, 1, 0, 1, tzinfo=SHANGHAI)],
    )


def test_every_post_links_to_the_bytes_it_was_read_from(crawled: Crawled) -> None:
    engine = make_engine(crawled.url)
    with session_scope(engine) as session:
        pages = session.execute(
            select(FetchedPage.url, FetchedPage.sha256, FetchedPage.http_status)
            .join(PortalPost, PortalPost.page_id == FetchedPage.id)
            .limit(40)
        ).all()
        assert pages
        for url, sha, status in pages:
            body = read_body(session, sha)
            assert hashlib.sha256(body).hexdigest() == sha and status == 200
            assert crawled.site.posts and url.startswith("http://127.0.0.1:")
    engine.dispose()


def test_anti_bot_challenge_is_reported_as_blocked_not_as_no_posts(database_url: str) -> None:
    with serving(SamplePortal(months=1, departments=3, challenge=True)) as server:
        result = crawl(with_registry(database_url), server.url)
    run = result.run
    assert run.status == "blocked" and run.finish_reason == "blocked by anti-bot challenge"
    assert not run.healthy
    assert any("blocked by anti-bot challenge" in p for p in run.health_problems)
    statuses = _columns(database_url, run.id)
    assert "blocked" in {s for s, _ in statuses.values()}
    assert "complete" not in {s for s, _ in statuses.values()}
    assert counted(database_url) == {}


@pytest.fixture(scope="module")
def recrawled(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """A first crawl, then 20 new posts and 3 backdated ones, then a second crawl."""
    import shutil

    path = tmp_path_factory.mktemp("incremental") / "evidence.sqlite"
    shutil.copyfile(sqlite_template, path)
    url = with_registry(f"sqlite:///{path}")
    site = SamplePortal(months=3, departments=12, seed=7)
    server = LocalServer(site).start()
    try:
        first = crawl(url, server.url)
        assert first.run.status == "finished", first.log[-3000:]
        before = dict(site.requests)
        new = site.add_posts(20)
        old = site.add_posts(3, published=dt.datetime.now(SHANGHAI) - dt.timedelta(days=30))
        second = crawl(url, server.url)
        spent = {k: site.requests[k] - before.get(k, 0) for k in site.requests}
        yield url, site, second, spent, new, old
    finally:
        server.stop()


def test_second_crawl_fetches_only_the_new_details_and_the_lists_down_to_a_stored_post(
    recrawled,
) -> None:
    url, site, second, spent, new, old = recrawled
    assert second.run.status == "finished" and second.run.healthy, second.run.health_problems
    assert spent["detail"] == len(new) + len(old)
    # The 23 new posts sit on each column's first page, above stored ones: one page a column,
    # although 部门动态 shows its pinned (stored, older) post above them.
    assert spent["list"] == 3
    assert second.run.stats["egov/column/bmdt/new_entries"] == len(new) + len(old)
    assert counted(url) == dict(site.truth)


def test_each_walk_is_kept_and_proves_the_posts_added_later_with_an_old_date(
    recrawled,
) -> None:
    """The crawl flags nothing; the first whole walk, a month after the old claims, proves them."""
    url, _site, second, _spent, new, old = recrawled
    stored = {t for (t,) in query(url, select(PortalPost.title))}
    assert {p.title for p in old + new} <= stored
    engine = make_engine(url)
    with session_scope(engine) as session:
        posts = list(session.scalars(select(PortalPost)))
        now = dt.datetime.now(dt.UTC)
        found = verdicts(session, posts, now, dt.timedelta(days=7), with_pages=False)
        status = {p.title: found[p.id].status for p in posts}
    engine.dispose()
    assert {status[p.title] for p in old} == {BACKDATED}
    assert {t for t, s in status.items() if s == BACKDATED} == {p.title for p in old}
    walks = query(
        url,
        select(CrawlColumnResult.crawl_run_id, CrawlColumnResult.reached_end)
        .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        .where(SiteColumn.key == "bmdt")
        .order_by(CrawlColumnResult.crawl_run_id),
    )
    assert [reached for _, reached in walks] == [True, False]  # whole, then the nightly stop
    assert walks[1][0] == second.run.id


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_round_1_profile_with_the_jpage_proxy_path_crawls_with_a_one_line_note(
    database_url: str, tmp_path: Path
) -> None:
    shipped = Path(sample_profile("sample-portal")).read_text(encoding="utf-8")
    round_1 = shipped.replace(
        "[column.options]", '[column.options]\nproxy_path = "/module/jpage/dataproxy.jsp"'
    )
    assert round_1.count("proxy_path") == 2  # both jpage columns, as round 1 wrote them
    profile = tmp_path / "sample-portal.toml"
    profile.write_text(round_1, encoding="utf-8")
    site = SamplePortal(months=1, departments=6)
    with serving(site) as server:
        result = crawl(with_registry(database_url), server.url, site=str(profile))
    assert result.returncode == 0, result.log[-3000:]
    assert result.run.status == "finished" and result.run.healthy, result.run.health_problems
    assert counted(database_url) == dict(site.truth)
    notes = {line for line in result.log.splitlines() if "'proxy_path' is no longer read" in line}
    assert notes and all("the proxy path is read from the column page" in n for n in notes)
