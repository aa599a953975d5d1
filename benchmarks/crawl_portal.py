"""Benchmark a full portal crawl against a bare Scrapy spider fetching the same URL set.

    uv run python benchmarks/crawl_portal.py [--scale 1] [--backend sqlite|postgresql] [--rounds 1]
        [--product-setting NAME=VALUE …]

Serves :class:`samplesites.portal.SamplePortal` (``--scale 1``: about 6,100 posts, 6,200 pages)
on 127.0.0.1 and runs ``scrapy crawl portal`` with politeness off (no delay, no AutoThrottle, 16
concurrent requests) into a fresh migrated SQLite file (``--backend postgresql``: a database
created on the server at 127.0.0.1:5432 and dropped afterwards). The server records every
request the crawl made; then, in the same run, against the same server and with the same
Scrapy settings, :mod:`benchmarks.bare_spider` replays that request list with nothing else
loaded (run outside the project, so Scrapy's defaults plus those settings). Each crawl is a
child process measured on its own (CPU = user + system time of that process, from ``wait4``).

Prints, for both: pages, CPU seconds, CPU per page, pages/s, peak RSS; their ratios; and
whether the stored counts match the sample's truth. The bare spider runs with the project's
CONCURRENT_ITEMS too (Scrapy creates that many asyncio tasks per response, items or not), and
once more with Scrapy's default, reported apart. ``--rounds N`` repeats both (fresh
database each time) to show the spread on a shared machine. ``--product-setting NAME=VALUE``
(repeatable) passes ``-s NAME=VALUE`` to the product's crawl only, to weigh one of its settings
(``EGOV_GC_TUNING=0``, say) against the same bare anchor. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.measure import POLITENESS_OFF, Measured, Recording, run_measured  # noqa: E402
from crawler import settings as project_settings  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import CrawlRun, Department, PortalPost  # noqa: E402
from db.registry import import_registry, load_registry  # noqa: E402
from samplesites import sample_profile  # noqa: E402
from samplesites.portal import SamplePortal  # noqa: E402
from samplesites.server import serving  # noqa: E402
from schedules.crawl import crawl_command  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


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


def fresh_database(backend: str, workdir: Path) -> tuple[str, str | None]:
    """Return the URL of a new migrated database with the registry (and its PG name)."""
    if backend == "sqlite":
        url, name = f"sqlite:///{workdir / f'evidence-{uuid.uuid4().hex[:6]}.sqlite'}", None
    else:
        name = f"egov_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_registry(session, load_registry())
    engine.dispose()
    return url, name


def drop_database(name: str | None) -> None:
    if name is None:
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def product_crawl(url: str, base: str, log: Path, *settings: str) -> Measured:
    command = [*crawl_command("portal", sample_profile("sample-portal"), base), *POLITENESS_OFF]
    for setting in settings:
        command += ["-s", setting]
    return run_measured(command, cwd=ROOT, env={**os.environ, "EGOV_DATABASE_URL": url}, log=log)


def bare_crawl(requests_file: Path, workdir: Path, log: Path, *settings: str) -> Measured:
    spider = ROOT / "benchmarks" / "bare_spider.py"
    command = [sys.executable, "-m", "scrapy", "runspider", str(spider)]
    command += ["-a", f"requests={requests_file}", *POLITENESS_OFF, *settings]
    return run_measured(command, cwd=workdir, log=log)


def figures(run: Measured, pages: int) -> dict[str, float]:
    return {
        "pages": pages,
        "cpu_seconds": round(run.cpu_seconds, 2),
        "cpu_ms_per_page": round(1000 * run.cpu_seconds / pages, 3),
        "pages_per_second": round(pages / run.wall_seconds, 1),
        "wall_seconds": round(run.wall_seconds, 1),
        "peak_rss_mib": round(run.peak_rss_mib, 1),
    }


def one_round(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    site = SamplePortal(scale=args.scale)
    url, name = fresh_database(args.backend, workdir)
    recording = Recording(site)
    try:
        with serving(recording) as server:
            product = product_crawl(url, server.url, workdir / "product.log", *args.product_setting)
            assert product.returncode == 0, (workdir / "product.log").read_text()[-3000:]
            requests_file = workdir / "requests.json"
            replay = recording.replay_list(server.url)
            requests_file.write_text(json.dumps(replay), encoding="utf-8")
            same_items = ("-s", f"CONCURRENT_ITEMS={project_settings.CONCURRENT_ITEMS}")
            bare = bare_crawl(requests_file, workdir, workdir / "bare.log", *same_items)
            assert bare.returncode == 0, (workdir / "bare.log").read_text()[-3000:]
            default = bare_crawl(requests_file, workdir, workdir / "bare-default.log")
        engine = make_engine(url)
        with session_scope(engine) as session:
            run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
            stats, status = dict(run.stats), run.status
        engine.dispose()
        pages = int(stats["response_received_count"])
        matches = counted(url) == dict(site.truth)
    finally:
        drop_database(name)
    ours, anchor = figures(product, pages), figures(bare, len(replay))
    at_defaults = figures(default, len(replay))
    return {
        "posts": len(site.posts),
        "requests_replayed": len(replay),
        "run_status": status,
        "counts_match_truth": matches,
        "product": ours,
        "bare_scrapy": anchor,
        "cpu_per_page_ratio": round(ours["cpu_ms_per_page"] / anchor["cpu_ms_per_page"], 2),
        "pages_per_second_ratio": round(ours["pages_per_second"] / anchor["pages_per_second"], 2),
        "bare_scrapy_default_concurrent_items": at_defaults,
        "cpu_per_page_ratio_to_default": round(
            ours["cpu_ms_per_page"] / at_defaults["cpu_ms_per_page"], 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--product-setting", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting for the product's crawl only (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="crawl-bench-"))
    rounds = [one_round(args, workdir) for _ in range(args.rounds)]
    summary = {"database": args.backend, "product_settings": args.product_setting, "rounds": rounds}
    print(json.dumps(summary, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
