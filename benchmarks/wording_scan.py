"""Time the wording scan (严重错误 check) against reading the same pages' text back.

Builds a database of ``--pages`` stored article pages (100,000 by default) as the crawler
stores them: a zlib-compressed body behind each fetched page, a portal post per page. Pages
are government articles of about 6 KB (a site's header, navigation and footer around a body of
sentences), one in 200 with a planted miswriting of the bundled lexicon.

The yardstick is reading the pages' text back from the database: selecting the bodies in
batches, decompressing and decoding them (:func:`scoring.inspection.page_text.decoded`) and
taking their text out of the markup (:func:`scoring.inspection.page_text.page_text`), as
anything that reads a stored page's text does. A second, stricter figure compares with
reading the decoded markup alone (no text taken out). The scan is
:func:`scoring.inspection.wording_scan.scan` as ``scoring inspection scan-wording --all`` runs
it: choose the pages, read them, screen each page's markup, take the text out of the pages that
may hold a hit and match it, store the hits and mark each page scanned. All are timed
alternately (median of ``--repeats``), and the ratios printed; the goal is below 2 against the
text read back.

    uv run python benchmarks/wording_scan.py                     # SQLite, 100,000 pages
    uv run python benchmarks/wording_scan.py --pages 20000 --repeats 1
    uv run python benchmarks/wording_scan.py --database postgresql+psycopg://postgres@127.0.0.1/x
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import statistics
import tempfile
import time
import zlib
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import (
    FetchedPage,
    PageBody,
    PortalPost,
    Site,
    WordingFinding,
    WordingScan,
)
from scoring.inspection.page_text import decoded, page_text
from scoring.inspection.wording_lexicon import load_lexicon
from scoring.inspection.wording_match import Matcher
from scoring.inspection.wording_scan import BATCH, scan

PHRASES = (
    "为深入贯彻落实党中央、国务院决策部署",
    "进一步优化营商环境",
    "全面推进政务公开",
    "根据《中华人民共和国政府信息公开条例》规定",
    "市政府办公室印发通知",
    "各县（市、区）人民政府",
    "市级各部门要高度重视",
    "切实加强组织领导",
    "确保各项工作落到实处",
    "近日，我市召开专题会议",
    "会议强调",
    "要坚持以人民为中心的发展思想",
    "加快推进数字化改革",
    "提升政务服务水平",
    "现将有关事项通知如下",
    "请各单位认真组织实施",
    "国务院办公厅关于印发",
    "全国人民代表大会常务委员会",
    "持续深化“最多跑一次”改革",
    "做好疫情防控和经济社会发展工作",
    "加强安全生产监督管理",
    "统筹推进乡村振兴",
    "完善社会保障体系",
    "推动高质量发展",
    "特此通知",
    "附件：相关材料",
)
PLANTED = ("中华人民共合国", "国务院办公庁", "政府信息公开条列", "全国人民代表大汇")
NAVIGATION = "".join(f'<li><a href="/col/col{n}/index.html">栏目{n}</a></li>' for n in range(40))
FOOTER = (
    "<footer><p>主办：示例市人民政府办公室 承办：示例市大数据发展管理局</p>"
    "<p>网站标识码：3306000001 浙ICP备00000000号 浙公网安备 33060202000001号</p></footer>"
)


def article(number: int, rng: random.Random) -> bytes:
    sentences = [rng.choice(PHRASES) for _ in range(rng.randint(20, 40))]
    if number % 200 == 0:
        sentences.insert(rng.randrange(len(sentences)), rng.choice(PLANTED))
    paragraphs = "".join(
        f"<p>{'，'.join(sentences[i : i + 4])}。</p>" for i in range(0, len(sentences), 4)
    )
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>信息公开</title>'
        '<script>var _hmt=_hmt||[];(function(){var hm=document.createElement("script");})();'
        "</script><style>body{font-size:14px}.nav li{float:left}</style></head><body>"
        f'<div class="header">示例市人民政府</div><ul class="nav">{NAVIGATION}</ul>'
        f'<div class="article"><h1>关于第{number}号事项的通知</h1>'
        f'<div class="info">发布日期：2019-03-{1 + number % 28:02d} 来源：示例市政府办公室</div>'
        f"{paragraphs}</div>{FOOTER}</body></html>"
    )
    return html.encode("utf-8")


def build(engine: Engine, pages: int) -> int:
    """Store ``pages`` article pages and their posts; return the stored bytes (uncompressed)."""
    rng = random.Random(2019)
    size = 0
    published = dt.datetime(2019, 3, 1, tzinfo=dt.UTC)
    with session_scope(engine) as session:
        site = Site(key="bench", name="bench", kind="portal", base_url="http://bench.test/")
        session.add(site)
        session.flush()
        site_id = site.id
    for start in range(0, pages, 5000):
        bodies, fetched, posts = [], [], []
        for number in range(start, min(start + 5000, pages)):
            body = article(number, rng)
            size += len(body)
            digest = hashlib.sha256(body).hexdigest()
            url = f"http://bench.test/art/{number}.html"
            bodies.append(
                {"sha256": digest, "size": len(body), "compression": "zlib",
                 "data": zlib.compress(body)}
            )  # fmt: skip
            fetched.append(
                {"id": number + 1, "url": url, "final_url": url, "http_status": 200,
                 "sha256": digest, "content_type": "text/html", "encoding": "utf-8",
                 "fetched_at": published}
            )  # fmt: skip
            posts.append(
                {"site_id": site_id, "canonical_url": url, "title": f"通知{number}",
                 "published_at": published, "published_month": "2019-03",
                 "identity_key": digest[:32], "page_id": number + 1, "first_seen_at": published,
                 "last_seen_at": published}
            )  # fmt: skip
        with engine.begin() as connection:
            connection.execute(insert(PageBody), bodies)
            connection.execute(insert(FetchedPage), fetched)
            connection.execute(insert(PortalPost), posts)
    return size


def read_back(engine: Engine, *, text: bool = True) -> tuple[float, int]:
    """Read every page's text (or markup) back, in the scan's batches: (seconds, characters)."""
    started = time.perf_counter()
    characters = 0
    with session_scope(engine) as session:
        ids = session.scalars(select(PortalPost.page_id).order_by(PortalPost.page_id)).all()
        for start in range(0, len(ids), BATCH):
            rows = session.execute(
                select(FetchedPage.encoding, PageBody.compression, PageBody.data)
                .join(PageBody, PageBody.sha256 == FetchedPage.sha256)
                .where(FetchedPage.id.in_(ids[start : start + BATCH]))
            )
            for encoding, compression, data in rows:
                markup = decoded(data, compression, encoding)
                characters += len(page_text(markup) if text else markup)
    return time.perf_counter() - started, characters


def scan_all(engine: Engine, matcher: Matcher) -> tuple[float, int]:
    """Scan every page afresh (as the first scan of an archive); return (seconds, hits)."""
    with engine.begin() as connection:
        connection.execute(delete(WordingFinding))
        connection.execute(update(FetchedPage).values(wording_scan_id=None))
        connection.execute(delete(WordingScan))
    started = time.perf_counter()
    with session_scope(engine) as session:
        done = scan(session, matcher)
    return time.perf_counter() - started, done.hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", help="An empty database URL (default: a new SQLite file).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        url = args.database or f"sqlite:///{Path(directory) / 'wording.sqlite'}"
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        size = build(engine, args.pages)
        print(
            f"built {args.pages:,} pages ({size / 2**20:.0f} MiB of HTML) on "
            f"{engine.dialect.name} in {time.perf_counter() - started:.0f} s"
        )
        matcher = Matcher(load_lexicon())
        read_back(engine)  # warm the caches for all alike
        reads, markups, scans = [], [], []
        for _ in range(args.repeats):
            seconds, characters = read_back(engine)
            reads.append(seconds)
            seconds, _ = read_back(engine, text=False)
            markups.append(seconds)
            seconds, hits = scan_all(engine, matcher)
            scans.append(seconds)
        engine.dispose()
    read, markup = statistics.median(reads), statistics.median(markups)
    scanned = statistics.median(scans)
    expected = len(range(0, args.pages, 200))
    print(f"read back text:   {read:.2f} s ({characters / 2**20:.0f} Mi characters of text)")
    print(f"read back markup: {markup:.2f} s (decoded, no text taken out)")
    print(f"scan:             {scanned:.2f} s ({hits} hits; {expected} pages planted)")
    print(f"ratio scan / text read back:   {scanned / read:.2f} (goal < 2)")
    print(f"ratio scan / markup read back: {scanned / markup:.2f}")


if __name__ == "__main__":
    main()
