"""Each column walk is recorded as evidence: how far it reached, whether to the end, its pages.

The backdating proof rests on these rows: a nightly walk stops at posts already stored (not
``reached_end``, a recent ``oldest_seen``, one list page), a weekly full walk reads the list to
its last page, and every list page a walk read points at the stored bytes, which list the
posts the walk could see. Both on SQLite and PostgreSQL, with a real ``scrapy crawl``.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from crawler.evidence import read_body
from db.engine import make_engine, session_scope
from db.models import ColumnWalkPage, CrawlColumnResult, CrawlRun, FetchedPage, SiteColumn
from samplesites.portal import SHANGHAI, SamplePortal, SamplePost
from samplesites.server import serving
from tests.crawler.conftest import crawl


@dataclass(frozen=True)
class Walk:
    status: str
    reached_end: bool
    oldest_seen: dt.date | None
    pages: list[tuple[int, str, bytes]]  # (list_index, url fetched, body), in walk order


def walks(url: str, run_id: int) -> dict[str, Walk]:
    engine = make_engine(url)
    found = {}
    with session_scope(engine) as session:
        results = session.execute(
            select(SiteColumn.key, CrawlColumnResult)
            .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
            .where(CrawlColumnResult.crawl_run_id == run_id)
        ).all()
        for key, result in results:
            pages = session.execute(
                select(ColumnWalkPage.list_index, FetchedPage.url, FetchedPage.sha256)
                .join(FetchedPage, FetchedPage.id == ColumnWalkPage.page_id)
                .where(ColumnWalkPage.column_result_id == result.id)
                .order_by(ColumnWalkPage.list_index)
            ).all()
            found[key] = Walk(
                result.status,
                result.reached_end,
                result.oldest_seen,
                [(i, page_url, read_body(session, sha)) for i, page_url, sha in pages],
            )
    engine.dispose()
    return found


@dataclass
class Crawls:
    url: str
    site: SamplePortal
    runs: dict[str, CrawlRun]
    walks: dict[str, dict[str, Walk]]
    listed: dict[str, list[SamplePost]]  # 部门动态 as each crawl found it, newest first


@pytest.fixture(scope="module")
def crawls(module_database_url: str) -> Iterator[Crawls]:
    """A first crawl, a nightly walk after three new posts, then a weekly full walk."""
    site = SamplePortal(months=3, departments=12, seed=5)
    listed = {"first": list(site.lists["bmdt"])}
    with serving(site) as server:
        first = crawl(module_database_url, server.url)
        site.add_posts(3, published=dt.datetime(2012, 3, 30, 9, 0, tzinfo=SHANGHAI))
        listed["nightly"] = listed["full"] = list(site.lists["bmdt"])
        nightly = crawl(module_database_url, server.url)
        full = crawl(module_database_url, server.url, "-a", "full=1")
    runs = {"first": first.run, "nightly": nightly.run, "full": full.run}
    for name, result in (("first", first), ("nightly", nightly), ("full", full)):
        assert result.returncode == 0 and result.run.status == "finished", (name, result.log)
    yield Crawls(
        module_database_url,
        site,
        runs,
        {name: walks(module_database_url, run.id) for name, run in runs.items()},
        listed,
    )


def test_a_full_walk_reaches_the_end_and_its_pages_list_every_post_of_the_column(
    crawls: Crawls,
) -> None:
    for name in ("first", "full"):
        bmdt = crawls.walks[name]["bmdt"]
        assert (bmdt.status, bmdt.reached_end) == ("complete", True)
        listed = b"".join(body for _, _, body in bmdt.pages)
        paths = [p.path("bmdt") for p in crawls.listed[name]]
        assert all(path.encode() in listed for path in paths), name
        assert [i for i, _, _ in bmdt.pages] == list(range(len(bmdt.pages)))
        assert bmdt.pages[0][1].endswith("/col/col1229/index.html")
        assert all("dataproxy.jsp" in page_url for _, page_url, _ in bmdt.pages[1:])
        assert len(bmdt.pages) == crawls.runs[name].stats["egov/column/bmdt/list_pages"]
        # How far back: the last entry of the list, whatever is pinned (置顶) at its top.
        oldest = crawls.listed[name][-1].published.date()
        assert bmdt.oldest_seen == oldest


def test_a_nightly_walk_stops_early_and_says_how_far_back_it_reached(crawls: Crawls) -> None:
    nightly = crawls.walks["nightly"]
    for key, walk in nightly.items():
        assert (walk.status, walk.reached_end, len(walk.pages)) == ("complete", False, 1), key
    bmdt = nightly["bmdt"]
    shown = [crawls.site.pinned, *crawls.listed["nightly"]][:45]  # the column page's records
    assert bmdt.oldest_seen == shown[-1].published.date()
    assert bmdt.oldest_seen > crawls.walks["full"]["bmdt"].oldest_seen  # type: ignore[operator]
    assert all(p.path("bmdt").encode() in bmdt.pages[0][2] for p in shown)  # type: ignore[union-attr]


def test_each_run_carries_its_host_pid_and_last_heartbeat(crawls: Crawls) -> None:
    for run in crawls.runs.values():
        assert run.host == socket.gethostname() and run.pid
        assert run.heartbeat_at is not None and run.finished_at is not None
        assert run.started_at <= run.heartbeat_at <= run.finished_at
