"""Benchmark the nightly (incremental) portal crawl on archives of ~5 thousand and ~1.5 M posts.

    uv run python benchmarks/crawl_nightly.py [--backend sqlite|postgresql] \
        [--sizes 5000,1500000] [--new 100]

For each size: a fresh migrated database (a SQLite file, or a database created on the
PostgreSQL server at 127.0.0.1:5432 and dropped afterwards) gets a first full crawl of
:class:`samplesites.portal.SamplePortal` (six months, about 2,100 posts) and is then padded to
the size with synthetic stored posts (one fetched page and one listing each, older than the
sample, on no list), written in bulk by ``INSERT … SELECT`` over a generated series, not through
the crawler. The sample then publishes ``--new`` posts (the same for every size) and the nightly
crawl runs as the scheduler runs it (``scrapy crawl portal`` in its own process, incremental,
politeness off). Reported per size: CPU seconds and peak RSS of the crawl process (``wait4``),
requests made (list and detail, as the sample server counted them) against the minimum (the new
detail pages plus, per column, the list pages down to the first item already stored that sits
in date order: a pinned (置顶) item at the top proves nothing), and the run's status.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.crawl_portal import drop_database, fresh_database  # noqa: E402
from benchmarks.measure import POLITENESS_OFF, Measured, run_measured  # noqa: E402
from crawler.profiles import load_profile  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import CrawlRun, FetchedPage, PortalPost, Site, SiteColumn  # noqa: E402
from samplesites import sample_profile  # noqa: E402
from samplesites.portal import EMBEDDED, SHANGHAI, TRS_PERPAGE, SamplePortal  # noqa: E402
from samplesites.server import serving  # noqa: E402
from schedules.crawl import crawl_command  # noqa: E402

PAD_URL = "http://sample-portal.invalid/pad/"
PAD_DAY = dt.datetime(2011, 6, 1, tzinfo=dt.UTC)


def crawl(url: str, base: str, log: Path) -> Measured:
    command = [*crawl_command("portal", sample_profile("sample-portal"), base), *POLITENESS_OFF]
    return run_measured(command, cwd=ROOT, env={**os.environ, "EGOV_DATABASE_URL": url}, log=log)


def pad(url: str, total_posts: int) -> int:
    """Add synthetic posts (with pages and listings) until ``total_posts`` are stored."""
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as connection:
        stored = connection.scalar(select(text("count(*)")).select_from(PortalPost.__table__))
        count = max(0, total_posts - stored)
        if count:
            site_id = connection.scalar(select(Site.id).where(Site.key == "sample-portal"))
            column_id = connection.scalar(
                select(SiteColumn.id).where(SiteColumn.site_id == site_id, SiteColumn.key == "bmdt")
            )
            base_id = connection.scalar(
                select(text("coalesce(max(id), 0)")).select_from(FetchedPage.__table__)
            )
            sha = connection.scalar(select(FetchedPage.sha256).limit(1))
            series = (
                "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                "WHERE n < :count) "
                if sqlite
                else ""
            )
            source = "seq" if sqlite else "generate_series(1, :count) AS seq(n)"
            page_url = f"'{PAD_URL}' || n || '.html'"
            params = {"count": count, "base": base_id, "sha": sha, "site": site_id}
            params |= {"column": column_id, "day": PAD_DAY}
            connection.execute(
                text(
                    f"{series}INSERT INTO fetched_pages (id, url, final_url, http_status, "
                    "fetched_at, sha256, content_type, encoding) "
                    f"SELECT :base + n, {page_url}, {page_url}, 200, :day, :sha, 'text/html', "
                    f"'utf-8' FROM {source}"
                ),
                params,
            )
            connection.execute(
                text(
                    f"{series}INSERT INTO portal_posts (site_id, canonical_url, title, "
                    "published_at, published_month, source_text, attribution, column_id, "
                    "identity_key, first_seen_at, last_seen_at, page_id) "
                    f"SELECT :site, {page_url}, 'pad ' || n, :day, '2011-06', '新华社', "
                    f"'external', :column, 'pad-' || n, :day, :day, :base + n FROM {source}"
                ),
                params,
            )
            connection.execute(
                text(
                    "INSERT INTO post_listings (post_id, column_id, listed_url, first_seen_at) "
                    "SELECT id, :column, canonical_url, :day FROM portal_posts "
                    "WHERE page_id > :base"
                ),
                params,
            )
            if not sqlite:
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('fetched_pages', 'id'), "
                        "(SELECT max(id) FROM fetched_pages))"
                    )
                )
    with engine.connect() as connection:  # planner statistics, as an archive grown over time has
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()
    return count


def minimum_requests(site: SamplePortal, known: set[int]) -> dict[str, int]:
    """New detail pages, and per column the list pages down to the first stored item in order."""
    profile = load_profile(sample_profile("sample-portal"))
    lists = {"bmdt": site._bmdt("bmdt"), "tpxw": site.lists["tpxw"], "zwdt": site.lists["trs"]}
    pages = 0
    for column in profile.columns:
        entries = lists[column.key]
        pinned = 1 if column.key == "bmdt" and site.pinned is not None else 0
        first = next(
            (i for i, post in enumerate(entries) if i >= pinned and post.id in known),
            len(entries) - 1,
        )
        if column.list_kind == "trs":
            pages += first // TRS_PERPAGE + 1
        else:
            group = int(column.options.get("group", 45))
            pages += 1 if first < EMBEDDED else 2 + (first - EMBEDDED) // group
    new = [p for p in site.posts if p.id not in known]
    details = len(new) + sum(len(p.also_in) for p in new)
    return {"list": pages, "detail": details, "total": pages + details}


def one_size(backend: str, size: int, new: int, published: dt.datetime, work: Path) -> dict:
    url, name = fresh_database(backend, work)
    site = SamplePortal(months=6)
    try:
        with serving(site) as server:
            first = crawl(url, server.url, work / f"first-{size}.log")
            assert first.returncode == 0, (work / f"first-{size}.log").read_text()[-3000:]
            started = time.perf_counter()
            padded = pad(url, size)
            pad_seconds = time.perf_counter() - started
            known = {p.id for p in site.posts}
            site.add_posts(new, published=published)
            before = dict(site.requests)
            night = crawl(url, server.url, work / f"night-{size}.log")
            assert night.returncode == 0, (work / f"night-{size}.log").read_text()[-3000:]
            spent = {k: site.requests[k] - before.get(k, 0) for k in ("list", "detail")}
        engine = make_engine(url)
        with engine.connect() as connection:
            status = connection.scalar(select(CrawlRun.status).order_by(CrawlRun.id.desc()))
            stored = connection.scalar(select(text("count(*)")).select_from(PortalPost.__table__))
        engine.dispose()
    finally:
        drop_database(name)
    minimum = minimum_requests(site, known)
    made = spent["list"] + spent["detail"]
    return {
        "stored_posts": stored,
        "padded_with": padded,
        "pad_seconds": round(pad_seconds, 1),
        "run_status": status,
        "cpu_seconds": round(night.cpu_seconds, 2),
        "peak_rss_mib": round(night.peak_rss_mib, 1),
        "wall_seconds": round(night.wall_seconds, 1),
        "requests": {**spent, "total": made},
        "minimum": minimum,
        "requests_to_minimum": round(made / minimum["total"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="5000,1500000")
    parser.add_argument("--new", type=int, default=100, help="posts published before the night")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="crawl-nightly-"))
    published = dt.datetime.now(SHANGHAI).replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {size: one_size(args.backend, size, args.new, published, work) for size in sizes}
    report: dict[str, object] = {"database": args.backend, "new_posts": args.new, "sizes": results}
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        report["cpu_ratio_largest_to_smallest"] = round(
            large["cpu_seconds"] / small["cpu_seconds"], 3
        )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
