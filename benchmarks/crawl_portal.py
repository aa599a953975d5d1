"""Benchmark a full portal crawl of a >= 20,000-post sample on loopback against `scrapy bench`.

    uv run python benchmarks/crawl_portal.py [--scale 5] [--database-url URL]

Serves :class:`samplesites.portal.SamplePortal` on 127.0.0.1, runs ``scrapy crawl portal`` with
politeness off (no delay, no AutoThrottle, 32 concurrent requests) into a fresh SQLite file
(or ``--database-url``, which must be an empty migrated database), then ``scrapy bench`` in the
same run. Prints pages/s of both, their ratio, the crawl's peak RSS, and whether the stored
counts match the sample's truth. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import CrawlRun, Department, PortalPost
from db.registry import import_registry, load_registry
from samplesites.portal import SamplePortal
from samplesites.server import serving

REPO = Path(__file__).resolve().parents[1]
POLITENESS_OFF = [
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=32", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32",
    "-s", "LOG_LEVEL=WARNING", "-s", "EGOV_COMMIT_EVERY=1000",
]  # fmt: skip


def counted(url: str) -> dict[tuple[str, str], int]:
    """Return unique counted posts per (department, month), as scoring counts them."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Department.short_name, PortalPost.published_month)
            .add_columns(func.count(func.distinct(PortalPost.identity_key)))
            .join(Department, Department.id == PortalPost.department_id)
            .where(PortalPost.attribution == "department")
            .group_by(Department.short_name, PortalPost.published_month)
        ).all()
    engine.dispose()
    return {(name, month): n for name, month, n in rows}


def crawl(url: str, base: str) -> tuple[float, int]:
    """Run the crawl; return its wall time and the peak RSS (KiB) of the child processes."""
    command = [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", "site=sample-portal"]
    command += ["-a", f"base_url={base}", *POLITENESS_OFF]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env={**os.environ, "EGOV_DATABASE_URL": url}, check=True)
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def scrapy_bench() -> float:
    """Run `scrapy bench` (10 s) and return its pages/s from the final stats."""
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "bench", "-s", "CLOSESPIDER_TIMEOUT=10"],
        cwd=tempfile.gettempdir(),  # outside the project: scrapy's own default settings
        capture_output=True,
        text=True,
        check=True,
    )
    pages = int(re.search(r"'response_received_count': (\d+)", done.stderr).group(1))
    seconds = float(re.search(r"'elapsed_time_seconds': ([\d.]+)", done.stderr).group(1))
    return pages / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    site = SamplePortal(scale=args.scale)
    assert len(site.posts) >= 20_000, f"only {len(site.posts)} posts; raise --scale"
    workdir = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'evidence.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    with serving(site) as server:
        elapsed, peak_kib = crawl(url, server.url)
    with session_scope(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        stats, status = dict(run.stats), run.status
    engine.dispose()
    pages = int(stats["response_received_count"])
    crawl_rate = pages / float(stats["elapsed_time_seconds"])
    bench_rate = scrapy_bench()
    report = {
        "posts": len(site.posts),
        "pages": pages,
        "run_status": status,
        "crawl_wall_seconds": round(elapsed, 1),
        "crawl_pages_per_second": round(crawl_rate, 1),
        "scrapy_bench_pages_per_second": round(bench_rate, 1),
        "ratio_crawl_to_bench": round(crawl_rate / bench_rate, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "counts_match_truth": counted(url) == dict(site.truth),
        "database": url.split(":")[0],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
