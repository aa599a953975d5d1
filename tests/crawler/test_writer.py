"""The evidence writer: rows wait for their batch, are written whole, and refer to each other.

A portal spider's run recording is opened on a real database (SQLite and PostgreSQL), as in a
crawl; responses go through the evidence middleware and items through the real pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.evidence import EvidenceStore, read_body
from crawler.items import ListingItem, PortalPostItem
from crawler.middlewares import EvidenceMiddleware
from crawler.pipelines import PortalPostPipeline
from crawler.recording import CrawlRecording
from crawler.spiders.portal import PortalSpider
from db.models import CrawlRun, FetchedPage, PortalPost, PostListing, SiteColumn
from samplesites import sample_profile
from samplesites.portal import SHANGHAI
from tests.crawls import project_crawler
from tests.evidence_queries import query, scalar, with_registry

BASE = "http://127.0.0.1:9"
DECLARED = "http://sample-portal.invalid"


@pytest.fixture
def recorder(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrawlRecording]:
    """The run recording of a portal spider, open on the test database, batches of 4 rows."""
    monkeypatch.setenv("EGOV_DATABASE_URL", with_registry(database_url))
    crawler = project_crawler(PortalSpider, {"EGOV_COMMIT_EVERY": 4})
    spider = PortalSpider(site=sample_profile("sample-portal"), base_url=BASE)
    spider._set_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    recording = crawler.get_extension(CrawlRecording)
    recording.spider_opened(spider)
    yield recording
    if recording.session is not None:
        recording.session.close()
        recording.engine.dispose()


def _post(recorder: CrawlRecording, number: int, column: str = "bmdt") -> PortalPostItem:
    """Fetch (through the evidence middleware) and read post ``number``; return its item."""
    url = f"{BASE}/art/2012/3/5/art_1229_{number}.html"
    body = f"<html><body><h1>post {number}</h1></body></html>".encode()
    response = HtmlResponse(url=url, body=body, request=Request(url), encoding="utf-8")
    EvidenceMiddleware(recorder).process_spider_input(response)
    return PortalPostItem(
        canonical_url=f"{DECLARED}/art/2012/3/5/art_1229_{number}.html",
        column_key=column,
        listed_url=url,
        title=f"市财政局召开会议（第{number}期）",
        published_at=dt.datetime(2012, 3, 5, 9, number % 60, tzinfo=SHANGHAI),
        source_text="市财政局",
        page_id=response.meta["evidence_page_id"],
    )


def _posts(url: str) -> int:
    return int(scalar(url, select(func.count(PortalPost.id))) or 0)


def test_rows_wait_for_their_batch_and_are_written_whole_with_their_page_ids(
    recorder: CrawlRecording, database_url: str
) -> None:
    pipeline = PortalPostPipeline(recorder, recorder.settings)
    first = _post(recorder, 1)
    pipeline.process_item(first)  # page + post: 2 rows of 4
    assert first.page_id.value is None and _posts(database_url) == 0

    second = _post(recorder, 2)
    pipeline.process_item(second)  # the 4th row writes the batch

    assert _posts(database_url) == 2
    rows = query(
        database_url,
        select(PortalPost.canonical_url, FetchedPage.id, FetchedPage.url).join(
            FetchedPage, FetchedPage.id == PortalPost.page_id
        ),
    )
    assert {(c.rsplit("/", 1)[1], p, u.rsplit("/", 1)[1]) for c, p, u in rows} == {
        ("art_1229_1.html", first.page_id.value, "art_1229_1.html"),
        ("art_1229_2.html", second.page_id.value, "art_1229_2.html"),
    }
    assert int(scalar(database_url, select(func.count(PostListing.id))) or 0) == 2


def test_a_batch_is_written_once_its_oldest_row_has_waited_long_enough(
    recorder: CrawlRecording, database_url: str
) -> None:
    assert recorder.writer is not None
    recorder.writer.batch_seconds = 0.0  # EGOV_COMMIT_SECONDS: no row may wait at all
    PortalPostPipeline(recorder, recorder.settings).process_item(_post(recorder, 5))
    assert _posts(database_url) == 1


def test_listing_of_a_post_this_run_requested_through_another_column_gets_its_id(
    recorder: CrawlRecording, database_url: str
) -> None:
    pipeline = PortalPostPipeline(recorder, recorder.settings)
    item = _post(recorder, 7)
    pipeline.process_item(ListingItem(item.canonical_url, "tpxw", item.listed_url))
    pipeline.process_item(item)
    recorder.commit()
    assert recorder.writer is not None
    recorder.writer.close()

    listed_in = query(
        database_url,
        select(SiteColumn.key)
        .join(PostListing, PostListing.column_id == SiteColumn.id)
        .join(PortalPost, PortalPost.id == PostListing.post_id)
        .where(PortalPost.canonical_url == item.canonical_url),
    )
    assert sorted(key for (key,) in listed_in) == ["bmdt", "tpxw"]


def test_post_listed_in_two_columns_within_one_batch_keeps_both_listings(
    recorder: CrawlRecording, database_url: str
) -> None:
    assert recorder.writer is not None
    recorder.writer.batch_rows = 1000  # a small site: the whole crawl is one batch
    pipeline = PortalPostPipeline(recorder, recorder.settings)
    item = _post(recorder, 8)
    pipeline.process_item(item)
    pipeline.process_item(ListingItem(item.canonical_url, "tpxw", item.listed_url))
    recorder.writer.close()

    listed_in = query(
        database_url,
        select(SiteColumn.key)
        .join(PostListing, PostListing.column_id == SiteColumn.id)
        .join(PortalPost, PortalPost.id == PostListing.post_id)
        .where(PortalPost.canonical_url == item.canonical_url),
    )
    assert sorted(key for (key,) in listed_in) == ["bmdt", "tpxw"]


def test_post_read_again_keeps_its_first_reading_and_is_seen_later(
    recorder: CrawlRecording, database_url: str
) -> None:
    pipeline = PortalPostPipeline(recorder, recorder.settings)
    pipeline.process_item(_post(recorder, 3))
    recorder.commit()
    first_seen = query(database_url, select(PortalPost.title, PortalPost.last_seen_at))[0]

    again = _post(recorder, 3)
    again.title = "a later reading of the same URL"
    pipeline.process_item(again)
    recorder.commit()

    rows = query(database_url, select(PortalPost.title, PortalPost.last_seen_at))
    assert len(rows) == 1
    assert rows[0][0] == first_seen[0] and rows[0][1] > first_seen[1]


def test_a_batch_that_cannot_be_written_ends_the_run_as_failed(
    recorder: CrawlRecording, database_url: str
) -> None:
    pipeline = PortalPostPipeline(recorder, recorder.settings)
    pipeline.process_item(_post(recorder, 4))
    assert recorder.writer is not None
    recorder.writer.quarantined({"url": "x", "reason": "y", "crawl_run_id": 10**9})  # no such run
    recorder.commit()

    assert recorder.write_failure and recorder.write_failure.startswith("evidence write failed")
    assert recorder.crawler.stats.get_value("egov/evidence_write_failures") == 1
    recorder.spider_closed(recorder.crawler.spider, "finished")
    assert _posts(database_url) == 0  # the whole batch, not half of it
    assert query(database_url, select(CrawlRun.status, CrawlRun.finish_reason)) == [
        ("failed", recorder.write_failure)
    ]


def test_recording_is_not_configured_without_evidence_or_a_site_profile() -> None:
    with pytest.raises(NotConfigured, match="EGOV_EVIDENCE"):
        CrawlRecording.from_crawler(project_crawler(PortalSpider, {"EGOV_EVIDENCE": False}))
    crawler = project_crawler(Spider)
    crawler.spider = Spider(name="probe")
    with pytest.raises(NotConfigured, match="no site profile"):
        CrawlRecording.from_crawler(crawler)


def test_a_page_stored_on_its_own_gets_its_id_at_once_and_once_per_content(
    session: Session,
) -> None:
    store = EvidenceStore(session, None)
    url = f"{BASE}/probe.html"
    response = HtmlResponse(url=url, body=b"<p>up</p>", request=Request(url), encoding="utf-8")
    first = store.record(response)
    assert store.record(response) == first and store.pages_written == 1
    assert read_body(session, session.get(FetchedPage, first).sha256) == b"<p>up</p>"
