"""Bad input: over a thousand mutated pages through the parsers, none crashes, each rejection kept.

Most mutants go straight into the portal spider's callbacks (``HtmlResponse`` + the evidence
middleware + the quarantine middleware, as Scrapy would chain them) and accepted posts through
the real pipeline into SQLite and PostgreSQL; a smaller number is served by a sample portal to a
real ``scrapy crawl``. Seeded: the same pages every run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from sqlalchemy import func, select

from crawler import settings as project_settings
from crawler.incremental import ListWalk
from crawler.items import PortalPostItem
from crawler.listing import ListEntry
from crawler.middlewares import EvidenceMiddleware
from crawler.paged_walks import JpageWalk
from crawler.pipelines import PortalPostPipeline
from crawler.quarantine import QuarantineMiddleware
from crawler.recording import CrawlRecording
from crawler.spiders.portal import PortalSpider
from db.engine import make_engine
from db.models import CrawlRun, PortalPost, QuarantinedItem, utcnow
from samplesites import sample_profile
from samplesites.portal import PROXY_PATH, SamplePortal
from samplesites.server import Request as SiteRequest
from samplesites.server import Response as SiteResponse
from samplesites.server import serving
from tests.crawls import project_crawler
from tests.evidence_queries import last_run, scalar
from tests.reliability.conftest import Faulty, run_scrapy
from tests.reliability.mutations import KINDS, mutate, mutations

SEED = 20121
DIRECT_MUTANTS = 1100
BASE = "http://127.0.0.1:9"


def _sample_pages(site: SamplePortal) -> dict[str, list[str]]:
    """Real pages of the sample portal, by the callback that reads them."""

    def get(path: str, form: dict[str, list[str]] | None = None) -> bytes:
        method = "POST" if form else "GET"
        return site(SiteRequest(method, path, {}, form or {}, {}, b"")).body

    details = [
        get(p.path()).decode("gbk" if p.layout == "gbk" else "utf-8") for p in site.posts[:12]
    ]
    form = {"columnid": ["1229"], "startrecord": ["46"], "endrecord": ["90"]}
    return {
        "detail": details,
        "jpage": [get("/col/col1229/index.html").decode()],
        "proxy": [get(PROXY_PATH, form).decode()],
        "trs": [get("/zwgk/bmdt/index.html").decode("gbk")],
    }


@pytest.fixture
def spider(evidence_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PortalSpider]:
    """A portal spider with its run recorder open on the test database, as in a crawl."""
    monkeypatch.setenv("EGOV_DATABASE_URL", evidence_url)
    crawler = project_crawler(PortalSpider, {"EGOV_COMMIT_EVERY": 500})
    spider = PortalSpider(site=sample_profile("sample-portal"), base_url=BASE)
    spider._set_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    recorder = crawler.get_extension(CrawlRecording)
    recorder.spider_opened(spider)
    spider.walks = {c.key: ListWalk(full=True) for c in spider.profile.columns}  # as start() does
    spider.evidence = EvidenceMiddleware(recorder)  # type: ignore[attr-defined]
    spider.quarantining = QuarantineMiddleware(recorder)  # type: ignore[attr-defined]
    yield spider
    if recorder.session is not None:
        recorder.session.close()
        recorder.engine.dispose()


def _response(kind: str, index: int, body: bytes, encoding: str | None) -> HtmlResponse:
    entry = ListEntry(f"{BASE}/art/2012/3/5/art_1229_{index}.html", "", None)
    meta: dict[str, Any] = {"column": "bmdt", "page_kind": "list", "list_index": 0}
    url = f"{BASE}/fuzz/{kind}/{index}.html"
    if kind == "detail":
        meta.update(page_kind="detail", entry=entry, canonical_url=url, listed_url=url)
    elif kind == "proxy":
        meta["jpage"] = JpageWalk(
            proxy_url=BASE + PROXY_PATH, form={}, perpage=15, total=None, collected=45,
            last_url=None, start=46, page=4, skip=0, proxy_guessed=False,
        )  # fmt: skip
    request = Request(url, meta=meta)
    if encoding is None:
        return HtmlResponse(url=url, body=body, request=request)
    return HtmlResponse(url=url, body=body, request=request, encoding=encoding)


def _drive(spider: PortalSpider, response: Response) -> list[Any]:
    """Run one callback as Scrapy chains it: evidence in, quarantine on an exception."""
    spider.evidence.process_spider_input(response)  # type: ignore[attr-defined]
    callback = {
        "detail": spider.parse_detail,
        "jpage": spider.parse_jpage_column,
        "proxy": spider.parse_jpage_proxy,
        "trs": spider.parse_trs_list,
    }[response.url.split("/")[-2]]
    try:
        return list(callback(response))
    except Exception as error:  # what Scrapy hands to the spider middlewares
        handled = spider.quarantining.process_spider_exception(response, error)  # type: ignore[attr-defined]
        assert handled is not None, f"{response.url}: {error!r} was not quarantined"
        return list(handled)


def test_a_thousand_mutated_pages_never_crash_and_every_rejection_is_quarantined(
    spider: PortalSpider, evidence_url: str
) -> None:
    pages = _sample_pages(SamplePortal(months=2, departments=6, seed=SEED))
    rng = random.Random(SEED)
    recorder = spider.recording
    assert recorder is not None
    pipeline = PortalPostPipeline(recorder, spider.crawler.settings)
    kinds, outcomes = Counter(), Counter()
    rejected: set[str] = set()
    latest = utcnow() + dt.timedelta(days=1)
    for index in range(DIRECT_MUTANTS):
        page_kind = rng.choice(["detail", "detail", "detail", "jpage", "proxy", "trs"])
        mutant = mutate(rng.choice(pages[page_kind]), KINDS[index % len(KINDS)], rng)
        kinds[mutant.kind] += 1
        response = _response(page_kind, index, mutant.body, mutant.encoding)
        before = int(recorder.crawler.stats.get_value("egov/parse_failures", 0))
        out = _drive(spider, response)
        posts = [item for item in out if isinstance(item, PortalPostItem)]
        if int(recorder.crawler.stats.get_value("egov/parse_failures", 0)) > before:
            rejected.add(response.url)
            assert not posts, f"{response.url} both quarantined and stored"
            outcomes["quarantined"] += 1
        elif page_kind == "detail":
            assert len(posts) == 1, f"{mutant.kind} detail neither stored nor quarantined"
            post = posts[0]
            assert post.title and post.published_at.year >= project_settings.EGOV_DATE_EARLIEST_YEAR
            assert post.published_at <= latest, f"{mutant.kind}: {post.published_at} accepted"
            pipeline.process_item(post)
            outcomes["stored"] += 1
        else:
            outcomes["list read"] += 1
    recorder.commit()

    assert sum(kinds.values()) >= 1000 and set(kinds) == set(KINDS)
    assert outcomes["quarantined"] and outcomes["stored"] and outcomes["list read"]
    engine = make_engine(evidence_url)
    with engine.connect() as connection:
        kept = dict(connection.execute(select(QuarantinedItem.url, QuarantinedItem.reason)).all())
        stored = connection.scalar(select(func.count(PortalPost.id)))
    engine.dispose()
    assert set(kept) == rejected
    assert all(reason.strip() for reason in kept.values())
    assert stored == outcomes["stored"]
    print(f"fuzzed {sum(kinds.values())} pages directly: {dict(outcomes)}; kinds {dict(kinds)}")


def test_a_real_crawl_of_a_site_serving_mutated_pages_goes_on_and_quarantines_them(
    sqlite_evidence_url: str,
) -> None:
    site = SamplePortal(months=2, departments=6, seed=SEED)
    rng = random.Random(SEED + 1)
    details = {p.path(): p for p in site.posts if p.column == "bmdt" and not p.also_in}
    chosen = rng.sample(sorted(details), k=60)
    huge, mutated = chosen[0], dict.fromkeys(chosen[1:])
    originals = {path: site(SiteRequest("GET", path, {}, {}, {}, b"")).body for path in chosen}
    for number, path in enumerate(mutated):
        mutated[path] = mutate(originals[path].decode(), KINDS[number % len(KINDS)], rng)

    def override(request: SiteRequest) -> SiteResponse | None:
        if request.path == huge:
            return SiteResponse(body=b"<html><body>" + b"x" * 600_000 + b"</body></html>")
        mutant = mutated.get(request.path)
        if mutant is None:
            return None
        charset = f"; charset={mutant.encoding}" if mutant.encoding else ""
        return SiteResponse(body=mutant.body, content_type="text/html" + charset)

    with serving(Faulty(site, override=override)) as server:
        log = run_scrapy(sqlite_evidence_url, server.url, "-s", "DOWNLOAD_MAXSIZE=500000")
    run = last_run(sqlite_evidence_url)
    assert run.finish_reason == "finished", log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    engine = make_engine(sqlite_evidence_url)
    with engine.connect() as connection:
        kept = dict(connection.execute(select(QuarantinedItem.url, QuarantinedItem.reason)).all())
        stored = set(connection.scalars(select(PortalPost.canonical_url)))
    engine.dispose()
    declared = "http://sample-portal.invalid"
    assert any(url.endswith(huge) and "size cap" in reason for url, reason in kept.items())
    assert declared + huge not in stored
    for path in mutated:  # every mutated page: stored, or quarantined with its URL
        assert declared + path in stored or any(url.endswith(path) for url in kept), path
    untouched = [p for p in site.posts if p.path() not in originals]
    missing = [p.path() for p in untouched if declared + p.path() not in stored]
    assert not missing, f"the crawl did not go on: {missing[:5]}"
    assert scalar(sqlite_evidence_url, select(func.count(CrawlRun.id))) == 1
    print(f"real crawl: {len(mutated) + 1} mutated pages, {len(kept)} quarantined")


def test_mutations_are_reproducible_from_the_seed() -> None:
    pages = ["<html><body><h1>标题</h1>发布时间：2012-03-05 10:00 来源：市发改委</body></html>"]
    first = [m.body for m in mutations(pages, 50, SEED)]
    assert first == [m.body for m in mutations(pages, 50, SEED)]
    assert first != [m.body for m in mutations(pages, 50, SEED + 1)]
