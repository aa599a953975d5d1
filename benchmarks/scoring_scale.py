"""Time the annual and monthly reports against the single GROUP BY on the same database.

Builds, on SQLite and on PostgreSQL, one year (2012) of evidence for 2,000 departments:
>= 1.5 million portal posts (5 % reached through a second URL, 2 % unresolved sources, 0.25 %
backdated: first seen 20 days after their claim, missed by the complete walks in between), each
listed once in the portal column, and >= 150,000 disclosure documents (lags 0-10 working days,
2 % undated) plus registered but unpublished documents (one in ten without a 文号), daily crawl
runs of both sites (one failed run in July; nightly walks read two days back, Sunday walks the
whole list), with bulk inserts (executemany on SQLite, COPY on PostgreSQL). Posts share 20,000
stored pages: the reports never read page bodies, only ``explain`` does.

The yardstick is the one query an analyst would write for the same department-month counts:
``COUNT(DISTINCT identity_key) ... GROUP BY department_id, published_month``
(:func:`scoring.assessment.portal_score.post_count_query`). Each report is timed as ``scoring
annual`` /
``scoring monthly-report`` run it — assess, build the report, store the score run, commit — and
printed as a ratio to that GROUP BY, both measured alternately in the same child process
(median of ``--repeats``), so the machine's load weighs on both alike. Rendering to JSON is
timed apart. Each report kind runs in its own child, so its peak memory (ru_maxrss) is its own.

    uv run python benchmarks/scoring_scale.py                 # both backends, full size
    uv run python benchmarks/scoring_scale.py --backend sqlite --posts 200000 --documents 20000
    uv run python benchmarks/scoring_scale.py --keep          # keep the databases, print URLs
    uv run python benchmarks/scoring_scale.py --database URL  # time a kept database again
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
YEAR = 2012
PAGES = 20_000
MEAN_POSTS = {1: 2.0, 2: 0.8, 3: 0.2}  # relative monthly volume by tier
SHANGHAI_OFFSET = dt.timedelta(hours=8)


def _utc(local: dt.datetime) -> dt.datetime:
    return (local - SHANGHAI_OFFSET).replace(tzinfo=dt.UTC)


class Loader:
    """Bulk-load tuples into a table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sqlite = self.engine.dialect.name == "sqlite"

    def load(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:
        count = 0
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.sqlite:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                batch: list[tuple] = []
                for row in rows:
                    batch.append(tuple(_sqlite_value(v) for v in row))
                    if len(batch) == 50_000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                cursor.executemany(sql, batch)
                count += len(batch)
            else:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            raw.commit()
        finally:
            raw.close()
        return count


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def build(url: str, departments: int, posts: int, documents: int) -> dict[str, float]:
    random.seed(2012)
    upgrade(url)
    loader = Loader(url)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    tiers = [1 + i % 3 for i in range(departments)]
    loader.load(
        "departments",
        (
            "id",
            "short_name",
            "full_name",
            "kind",
            "tier",
            "is_liaison_office",
            "is_financial_institution",
            "is_city_enterprise",
            "has_no_approval_items",
            "created_at",
        ),
        (
            (
                i + 1,
                f"部门{i + 1:04d}",
                f"某省某市部门{i + 1:04d}",
                "department",
                tiers[i],
                i % 97 == 0,
                i % 89 == 0,
                i % 83 == 0,
                i % 7 == 0,
                dt.datetime(2012, 1, 1, tzinfo=dt.UTC),
            )
            for i in range(departments)
        ),
    )
    loader.load(
        "sites",
        ("id", "key", "name", "kind", "base_url"),
        iter(
            [
                (1, "portal", "portal", "portal", "http://portal.test/"),
                (2, "xxgk", "disclosure", "disclosure", "http://xxgk.test/"),
            ]
        ),
    )
    loader.load(
        "site_columns",
        ("id", "site_id", "key", "name", "list_kind", "url", "expects_items"),
        iter(
            [
                (1, 1, "news", "部门动态", "generic", "http://portal.test/news", True),
                (2, 2, "docs", "文件", "generic", "http://xxgk.test/docs", True),
            ]
        ),
    )
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=d) for d in range(366 + 31)]
    runs = [
        (
            len(days) * (site - 1) + n + 1,
            site,
            f"site{site}",
            _utc(dt.datetime.combine(day, dt.time(2))),
            _utc(dt.datetime.combine(day, dt.time(3))),
            "failed" if day == dt.date(YEAR, 7, 14) else "finished",
            day != dt.date(YEAR, 7, 14),
            "[]",
            "{}",
        )
        for site in (1, 2)
        for n, day in enumerate(days)
    ]
    loader.load(
        "crawl_runs",
        (
            "id",
            "site_id",
            "spider",
            "started_at",
            "finished_at",
            "status",
            "healthy",
            "health_problems",
            "stats",
        ),
        iter(runs),
    )
    loader.load(
        "crawl_column_results",
        (
            "crawl_run_id",
            "column_id",
            "status",
            "items_seen",
            "errors",
            "oldest_seen",
            "reached_end",
        ),
        # nightly walks read back two days; the Sunday walk reads the whole list
        (
            (
                r[0],
                r[1],
                "complete" if r[5] == "finished" else "failed",
                10,
                0,
                day - dt.timedelta(days=2),
                day.weekday() == 6,
            )
            for r, day in zip(runs, days * 2, strict=True)
        ),
    )
    loader.load(
        "page_bodies",
        ("sha256", "size", "compression", "data"),
        iter([("0" * 64, 1, "zlib", b"x")]),
    )
    loader.load(
        "fetched_pages",
        ("id", "url", "final_url", "http_status", "fetched_at", "sha256"),
        (
            (
                i + 1,
                f"http://portal.test/p/{i}",
                f"http://portal.test/p/{i}",
                200,
                dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
                "0" * 64,
            )
            for i in range(PAGES)
        ),
    )
    timings["reference rows"] = time.perf_counter() - started
    started = time.perf_counter()
    timings["posts"] = loader.load(
        "portal_posts",
        (
            "id",
            "site_id",
            "canonical_url",
            "title",
            "published_at",
            "published_month",
            "department_id",
            "attribution",
            "identity_key",
            "first_seen_at",
            "last_seen_at",
            "page_id",
        ),
        _posts(tiers, posts),
    )
    with loader.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO post_listings (post_id, column_id, listed_url, first_seen_at) "
                "SELECT id, 1, canonical_url, first_seen_at FROM portal_posts"
            )
        )
    timings["posts load s"] = time.perf_counter() - started
    started = time.perf_counter()
    timings["documents"] = loader.load(
        "disclosure_documents",
        (
            "site_id",
            "url",
            "doc_number",
            "doc_number_prefix",
            "doc_number_year",
            "doc_number_seq",
            "doc_number_key",
            "title",
            "department_id",
            "attribution",
            "signed_on",
            "published_on",
            "first_seen_at",
            "last_seen_at",
            "page_id",
        ),
        _documents(departments, documents),
    )
    loader.load(
        "signed_documents",
        (
            "department_id",
            "doc_number",
            "doc_number_key",
            "title",
            "signed_on",
            "classified",
            "source_file",
            "source_line",
            "imported_at",
        ),
        (
            (
                d,
                None if (d + k) % 10 == 0 else f"D{d}〔{YEAR}〕{9000 + k}号",
                None if (d + k) % 10 == 0 else f"D{d}〔{YEAR}〕{9000 + k}号",
                f"未公开文件{k}",
                dt.date(YEAR, 1 + k % 12, 10),
                False,
                "register.csv",
                k + 1,
                dt.datetime(YEAR + 1, 1, 5, tzinfo=dt.UTC),
            )
            for d in range(1, departments + 1)
            for k in range(5)
        ),
    )
    timings["documents load s"] = time.perf_counter() - started
    with loader.engine.connect() as connection:
        if not loader.sqlite:
            for table in (
                "departments",
                "sites",
                "site_columns",
                "crawl_runs",
                "fetched_pages",
                "portal_posts",
            ):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
            connection.commit()
            # what autovacuum does to a settled database: statistics and the visibility map
            # (index-only scans); a freshly COPYed table has neither
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        else:
            connection.execute(text("ANALYZE"))
    loader.engine.dispose()
    return timings


def _posts(tiers: list[int], total: int) -> Iterator[tuple]:
    weight = sum(MEAN_POSTS[t] for t in tiers) * 12
    per_unit = total / weight
    n = 0
    for department_id, tier in enumerate(tiers, start=1):
        for month in range(1, 13):
            count = int(MEAN_POSTS[tier] * per_unit * random.uniform(0.7, 1.3) + 0.5) + 1
            for _ in range(count):
                n += 1
                day = random.randint(1, 28)
                local = dt.datetime(YEAR, month, day, random.randint(0, 23), random.randint(0, 59))
                published = _utc(local)
                # 5 % are the previous article again, through another column's URL
                identity = f"k{n - 1}" if n % 20 == 0 else f"k{n}"
                attribution = "unresolved" if n % 50 == 0 else "department"
                late = dt.timedelta(days=20) if n % 400 == 7 else dt.timedelta(hours=6)
                yield (
                    n,
                    1,
                    f"http://portal.test/art/{n}.html",
                    f"动态信息{n}",
                    published,
                    f"{YEAR}-{month:02d}",
                    department_id if attribution == "department" else None,
                    attribution,
                    identity,
                    published + late,
                    published + late + dt.timedelta(days=3),
                    1 + n % PAGES,
                )


def _documents(departments: int, total: int) -> Iterator[tuple]:
    for n in range(total):
        department_id = 1 + n % departments
        seq = 1 + n // departments
        signed = dt.date(YEAR, 1, 1) + dt.timedelta(days=(n * 7919) % 360)
        lag = random.choice((0, 1, 2, 3, 4, 5, 5, 6, 8, 10))
        undated = n % 50 == 0
        key = f"D{department_id}〔{YEAR}〕{seq}号"
        yield (
            2,
            f"http://xxgk.test/doc/{n}.html",
            key,
            f"D{department_id}",
            YEAR,
            seq,
            key,
            f"关于某事项的通知{n}",
            department_id,
            "department",
            None if undated else signed,
            signed + dt.timedelta(days=lag + lag // 5 * 2),
            dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
            dt.datetime(YEAR, 1, 1, tzinfo=dt.UTC),
            1 + n % PAGES,
        )


def time_report(url: str, kind: str, repeats: int) -> dict[str, float]:
    """Child process: time the GROUP BY and the stored report alternately; report medians."""
    from scoring.api import publish_with
    from scoring.assessment.periods import parse_month, parse_year
    from scoring.assessment.portal_score import post_count_query
    from scoring.bulk import fetch_tuples
    from scoring.reporting.render import render_json
    from scoring.rules import DEFAULT_RULES_FILE, load_rules

    rules = load_rules(DEFAULT_RULES_FILE)
    cutoff = dt.datetime(YEAR + 1, 2, 1, tzinfo=dt.UTC)
    period = parse_month(f"{YEAR}-12") if kind == "monthly" else parse_year(str(YEAR))
    engine = make_engine(url)
    group_by, report_s, render_s = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        with session_scope(engine) as session:
            rows = fetch_tuples(session, post_count_query(period.year_to_date(), cutoff))
        group_by.append(time.perf_counter() - started)
        started = time.perf_counter()
        with session_scope(engine) as session:  # commits the score run on leaving
            published = publish_with(session, rules, period, cutoff, "benchmark")
        report_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        size = len(render_json(published.report))
        render_s.append(time.perf_counter() - started)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT length(report) FROM score_runs WHERE id = :id"), {"id": published.run_id}
        ).scalar_one()
    engine.dispose()
    base, report = statistics.median(group_by), statistics.median(report_s)
    return {
        "group_by_s": round(base, 3),
        "report_stored_s": round(report, 3),
        "ratio": round(report / base, 2),
        "render_json_s": round(statistics.median(render_s), 3),
        "department_months": len(rows),
        "stored_run_bytes": stored,
        "json_bytes": size,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _child(url: str, kind: str, repeats: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--url", url, "--repeats", str(repeats)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(f"{kind} report failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=1_500_000)
    parser.add_argument("--documents", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=5, help="Timed runs per report kind.")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "benchmark")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN)
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument(
        "--database", action="append", default=[], help="Time this kept database (repeatable)."
    )
    parser.add_argument("--child", choices=("monthly", "annual"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(time_report(args.url, args.child, args.repeats)))
        return
    if args.database:
        for url in args.database:
            upgrade(url)  # a database kept by an older version takes the schema of this one
            _time_all(url.split(":", 1)[0].split("+", 1)[0], url, args.repeats)
        return
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        url, cleanup = _database(backend, args)
        try:
            started = time.perf_counter()
            loaded = build(url, args.departments, args.posts, args.documents)
            build_s = time.perf_counter() - started
            print(f"[{backend}] built in {build_s:.0f} s: {loaded}", flush=True)
            if args.keep:
                print(f"[{backend}] kept: {url}", flush=True)
            _time_all(backend, url, args.repeats)
        finally:
            if not args.keep:
                cleanup()


def _time_all(backend: str, url: str, repeats: int) -> None:
    for kind in ("annual", "monthly"):
        result = _child(url, kind, repeats)
        print(
            f"[{backend}] {kind}: {result['ratio']}x the GROUP BY "
            f"({result['report_stored_s']} s stored vs {result['group_by_s']} s): {result}",
            flush=True,
        )


def _database(backend: str, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        args.workdir.mkdir(parents=True, exist_ok=True)
        path = args.workdir / f"scale-{uuid.uuid4().hex[:8]}.sqlite"
        return f"sqlite:///{path}", lambda: [
            p.unlink(missing_ok=True) for p in path.parent.glob(path.name + "*")
        ]
    admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
    name = f"egov_scale_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return args.pg_admin_url.rsplit("/", 1)[0] + "/" + name, drop


if __name__ == "__main__":
    main()
