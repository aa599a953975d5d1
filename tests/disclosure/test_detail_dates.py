"""A document whose dates cannot be real is quarantined, not counted for a month it cannot be in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from sqlalchemy import select

from crawler.listing import ListEntry
from crawler.middlewares import EvidenceMiddleware
from crawler.recording import CrawlRecording
from crawler.spiders.disclosure import DisclosureSpider
from db.engine import make_engine, session_scope
from db.models import QuarantinedItem
from db.registry import import_registry, load_registry
from samplesites import sample_profile
from samplesites.disclosure import SampleDisclosure
from samplesites.server import Request as SiteRequest
from tests.crawls import project_crawler

BASE = "http://127.0.0.1:8"


@pytest.fixture
def spider(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[DisclosureSpider]:
    """A disclosure spider with its run recorder open on the test database, as in a crawl."""
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    engine.dispose()
    monkeypatch.setenv("EGOV_DATABASE_URL", sqlite_url)
    crawler = project_crawler(DisclosureSpider)
    spider = DisclosureSpider(site=sample_profile("sample-disclosure"), base_url=BASE)
    spider._set_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    recorder = crawler.get_extension(CrawlRecording)
    recorder.spider_opened(spider)
    yield spider
    recorder.session.close()
    recorder.engine.dispose()


@pytest.mark.parametrize(
    ("label", "replace_year", "reason"),
    [
        ("成文日期", "2099", "成文日期 date 2099-"),
        ("发布日期", "1989", "发布日期 date 1989-"),
    ],
)
def test_document_dated_in_the_future_or_before_the_platform_is_quarantined(
    spider: DisclosureSpider, sqlite_url: str, label: str, replace_year: str, reason: str
) -> None:
    site = SampleDisclosure(seed=3, documents_per_department=(1, 1))
    document = site.truth[0]
    page = site(SiteRequest("GET", document.path, {}, {}, {}, b""))
    encoding = "gbk" if b"charset=gbk" in page.body.lower() else "utf-8"
    html = page.body.decode(encoding)
    day = document.signed_on if label == "成文日期" else document.published_on
    assert str(day.year) in html
    html = _replace_year_after(html, label, str(day.year), replace_year)
    url = BASE + document.path
    entry = ListEntry(url, document.title, None)
    meta = {"column": spider.profile.columns[0].key, "page_kind": "detail", "entry": entry}
    meta["canonical_url"] = url
    response = HtmlResponse(
        url=url, body=html.encode(encoding), encoding=encoding, request=Request(url, meta=meta)
    )
    EvidenceMiddleware(spider.recording).process_spider_input(response)

    assert list(spider.parse_detail(response)) == []

    spider.recording.commit()
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        reasons = session.scalars(select(QuarantinedItem.reason)).all()
    engine.dispose()
    assert len(reasons) == 1 and reasons[0].startswith(reason), reasons


LABELS = {"成文日期": ("成文日期", "生成日期", "发文日期"), "发布日期": ("发布日期", "公开日期")}


def _replace_year_after(html: str, label: str, year: str, new_year: str) -> str:
    """Change the year of the date that follows ``label`` or a variant of it (maybe spaced)."""
    spellings = [form for name in LABELS[label] for form in (name, " ".join(name))]
    at = min((html.find(s) for s in spellings if s in html), default=-1)
    assert at >= 0, f"{label} not on the page"
    where = html.index(year, at)
    return html[:where] + new_year + html[where + len(year) :]
