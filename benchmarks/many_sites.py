"""Benchmark a night of many sites: one machine's shared crawl processes, then two workers.

    uv run python benchmarks/many_sites.py [--sites 60] [--delay 0.2] [--backend sqlite|postgresql]
        [--one-by-one 5] [--kill-sites 20] [--probe-every 60]

N sample portals (:class:`samplesites.portal.SamplePortal`, one generated month, 3 to 6
departments: 40 to 80 list and detail pages each) are served on loopback, each on its own port,
and each site's profile asks for its own politeness delay (``--delay`` seconds, one request at a
time), so that a site's crawl is mostly waiting, as a real one is. Printed:

- makespan of the night (every site's crawl started at once on the scheduler's crawl lane, in
  shared crawl processes) against the ideal: the longest site crawled alone;
- peak memory (RSS) of all crawl processes together, sampled every half second;
- CPU per page against ``--one-by-one`` of the same sites crawled one by one, each in its own
  ``scrapy crawl`` process as before;
- probes (a real ``scrapy crawl probe`` job every ``--probe-every`` seconds on the inspection
  lane during the night): skipped, and more than 60 s late;
- two workers (``schedules worker``, two processes, as two machines run them) on the RabbitMQ
  at 127.0.0.1:5672 crawling ``--kill-sites`` sites, one SIGKILLed once half the sites have
  finished: finished runs per site, runs left open, and posts lost or doubled against the night.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from apscheduler.events import EVENT_JOB_MISSED, EVENT_JOB_SUBMITTED  # noqa: E402

from benchmarks.crawl_portal import drop_database, fresh_database  # noqa: E402
from db.config import load_settings  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.models import CrawlLock, CrawlRun, PortalPost, Site  # noqa: E402
from samplesites.portal import SamplePortal  # noqa: E402
from samplesites.server import LocalServer  # noqa: E402
from schedules import hosted, queue  # noqa: E402
from schedules.jobs import crawl_site  # noqa: E402
from schedules.scheduler import make_scheduler, shutdown_lanes  # noqa: E402
from schedules.schedules_file import Lanes  # noqa: E402

SAMPLE = ROOT / "samplesites" / "sample-portal.toml"
BROKER = os.environ.get("EGOV_BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def site_key(index: int) -> str:
    return f"bench-{index:03d}"


def portal(index: int) -> SamplePortal:
    return SamplePortal(year=2012, seed=100 + index, months=1, departments=3 + index % 4)


def write_profiles(folder: Path, count: int, delay: float) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    polite = (
        SAMPLE.read_text(encoding="utf-8")
        .replace("concurrency = 8", "concurrency = 1")
        .replace("delay = 0.0", f"delay = {delay}")
    )
    for index in range(count):
        (folder / f"{site_key(index)}.toml").write_text(polite, encoding="utf-8")


@contextmanager
def servers(count: int) -> Iterator[dict[str, str]]:
    """One sample portal per site, each on its own port, in a process of their own (so that
    serving pages takes no CPU from the scheduler): site key → base URL."""
    command = [sys.executable, __file__, "--serve", str(count)]
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    try:
        yield json.loads(process.stdout.readline())
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def serve(count: int) -> None:
    """``--serve N``: serve the N portals, print their URLs, stop at the end of input."""
    with ExitStack() as stack:
        urls = {}
        for index in range(count):
            server = LocalServer(portal(index), "127.0.0.1", 0).start()
            stack.callback(server.stop)
            urls[site_key(index)] = server.url
        print(json.dumps(urls), flush=True)
        sys.stdin.read()


def point_at(url: str, var_dir: Path) -> None:
    """This process's settings (and so its children's): the database and working files."""
    os.environ["EGOV_DATABASE_URL"] = url
    os.environ["EGOV_VAR_DIR"] = str(var_dir)


# -- memory and CPU of the crawl processes ------------------------------------------------------


def _proc(pid: int) -> tuple[float, float] | None:
    """(RSS MiB, CPU seconds) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return rss / 1024, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, StopIteration, IndexError, ValueError):
        return None


class CrawlProcessSampler(threading.Thread):
    """Sum the RSS of the shared crawl processes every half second; keep their CPU."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_mib = 0.0
        self.cpu: dict[int, float] = {}
        self.processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            pool = hosted._SHARED
            pids = pool.pids() if pool is not None else []
            total = 0.0
            for pid in pids:
                seen = _proc(pid)
                if seen is not None:
                    total += seen[0]
                    self.cpu[pid] = seen[1]
            self.processes = max(self.processes, len(pids))
            self.peak_mib = max(self.peak_mib, total)


def pages_of(url: str) -> dict[str, int]:
    """Responses of each site's finished runs (the crawl's pages)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        runs = session.execute(
            select(Site.key, CrawlRun.stats)
            .join(CrawlRun, CrawlRun.site_id == Site.id)
            .where(CrawlRun.status == "finished")
        ).all()
    engine.dispose()
    return {key: int((stats or {}).get("downloader/response_count", 0)) for key, stats in runs}


def posts_of(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Site.key, func.count(PortalPost.id))
            .join(PortalPost, PortalPost.site_id == Site.id)
            .group_by(Site.key)
        ).all()
    engine.dispose()
    return dict(rows)


def runs_of(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Site.key, CrawlRun.status)
            .join(CrawlRun, CrawlRun.site_id == Site.id)
            .order_by(CrawlRun.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


# -- the phases ----------------------------------------------------------------------------------


def alone(urls: dict[str, str], key: str, backend: str, work: Path) -> float:
    """Wall seconds of one site's crawl alone, in a shared crawl process of its own."""
    url, name = fresh_database(backend, work)
    point_at(url, work / "var-alone")
    try:
        started = time.monotonic()
        result = crawl_site(key, base_url=urls[key], shared_process=True)
        seconds = time.monotonic() - started
        assert result["status"] == "finished", result
    finally:
        hosted.close_shared_pool(wait=30)
        drop_database(name)
    return seconds


def one_by_one(urls: dict[str, str], keys: list[str], backend: str, work: Path) -> float:
    """CPU seconds per page of ``keys`` crawled one by one, each in its own process."""
    url, name = fresh_database(backend, work)
    point_at(url, work / "var-one-by-one")
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for key in keys:
            crawl_site(key, base_url=urls[key], shared_process=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        pages = sum(pages_of(url).values())
    finally:
        drop_database(name)
    return cpu / max(pages, 1)


def probe(site_key: str, base_url: str) -> dict:
    """The probe job of the benchmark's night (the product's own)."""
    from schedules.inspection_jobs import probe_site

    return probe_site(site_key, base_url=base_url)


def night(urls: dict[str, str], url: str, work: Path, probe_every: int, per_process: int) -> dict:
    """Every site's crawl due at once on a real scheduler, with a probe job on its own lane."""
    point_at(url, work / "var-night")
    engine = make_engine(url)
    lanes = Lanes(crawls=len(urls), inspection=2, reports=1)
    scheduler = make_scheduler(engine, "Asia/Shanghai", lanes=lanes)
    lateness: list[float] = []
    missed: list[str] = []

    def submitted(event) -> None:  # type: ignore[no-untyped-def]
        if event.job_id == "probe":
            for when in event.scheduled_run_times:
                lateness.append(time.time() - when.timestamp())

    scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)
    scheduler.add_listener(lambda e: missed.append(e.job_id), EVENT_JOB_MISSED)
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    first = next(iter(urls))
    scheduler.add_job(
        "__main__:probe",
        "interval",
        seconds=probe_every,
        start_date=start - dt.timedelta(seconds=probe_every - 1),
        id="probe",
        kwargs={"site_key": first, "base_url": urls[first]},
        executor="inspection",
        misfire_grace_time=3600,
    )
    for key, base in urls.items():
        scheduler.add_job(
            "schedules.jobs:crawl_site",
            "date",
            run_date=start,
            id=f"crawl-{key}",
            kwargs={
                "site_key": key,
                "base_url": base,
                "shared_process": True,
                "sites_per_process": per_process,
            },
            executor="crawls",
            misfire_grace_time=3600,
        )
    sampler = CrawlProcessSampler()
    sampler.start()
    scheduler.start()
    began = time.monotonic()
    while True:
        time.sleep(1)
        finished = [status for _, status in runs_of(url) if status != "running"]
        if len(finished) >= len(urls) and not scheduler.get_jobs()[1:]:
            break
    makespan = time.monotonic() - began - 3  # the crawls were due 3 s after the start
    scheduler.remove_job("probe")
    shutdown_lanes(scheduler)
    scheduler.shutdown(wait=False)
    sampler.stop.set()
    sampler.join()
    processes = sampler.processes
    hosted.close_shared_pool(wait=30)
    engine.dispose()
    statuses = [status for _, status in runs_of(url)]
    pages = sum(pages_of(url).values())
    return {
        "makespan": makespan,
        "peak_mib": sampler.peak_mib,
        "processes": processes,
        "cpu_per_page": sum(sampler.cpu.values()) / max(pages, 1),
        "crawl_cpu": sum(sampler.cpu.values()),
        "load": os.getloadavg()[0],
        "pages": pages,
        "finished": statuses.count("finished"),
        "not_finished": len(statuses) - statuses.count("finished"),
        "probes": len(lateness),
        "probes_late": sum(1 for late in lateness if late > 60),
        "probe_max_late": max(lateness, default=0.0),
        "probes_missed": missed.count("probe"),
        "posts": posts_of(url),
    }


def busiest(url: str, workers: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    """The worker holding the most site locks (``host:pid:nonce``): the one crawling most."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        holders = session.scalars(select(CrawlLock.holder)).all()
    engine.dispose()
    pids = [int(holder.split(":")[1]) for holder in holders if holder.count(":") >= 2]
    return max(workers, key=lambda worker: pids.count(worker.pid))


def two_workers(urls: dict[str, str], backend: str, work: Path, expected: dict[str, int]) -> dict:
    """The night on two worker processes over RabbitMQ, one SIGKILLed halfway."""
    url, name = fresh_database(backend, work)
    point_at(url, work / "var-workers")
    os.environ["EGOV_BROKER_URL"] = BROKER
    os.environ["EGOV_CRAWL_QUEUE"] = f"egov-bench-{uuid.uuid4().hex[:8]}"
    settings = load_settings()
    workers = []
    try:
        for label in "ab":
            command = [sys.executable, "-m", "schedules", "worker"]
            command += ["--concurrency", str(len(urls)), "--name", f"{label}@bench"]
            log = open(work / f"worker-{label}.log", "ab")  # noqa: SIM115
            workers.append(subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log))
        for key, base in urls.items():
            queue.enqueue(
                {
                    "site_key": key,
                    "base_url": base,
                    "shared_process": True,
                    "lock_ttl_seconds": 10,
                    "lock_renew_seconds": 2,
                },
                settings,
            )
        killed = None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            time.sleep(1)
            runs = runs_of(url)
            done = {key for key, status in runs if status == "finished"}
            if killed is None and len(done) >= len(urls) // 2:
                killed = busiest(url, workers)
                killed.send_signal(signal.SIGKILL)
                killed.wait()
            if len(done) == len(urls) and not any(s == "running" for _, s in runs):
                break
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        app = queue.configure(settings)
        with app.connection_for_write() as connection:
            connection.default_channel.queue_delete(settings.crawl_queue)
        os.environ.pop("EGOV_BROKER_URL")
    runs = runs_of(url)
    posts = posts_of(url)
    drop_database(name)
    finished = {key: [s for k, s in runs if k == key].count("finished") for key in urls}
    return {
        "sites": len(urls),
        "sites_with_one_finished_run": sum(1 for n in finished.values() if n == 1),
        "killed_runs_closed": sum(1 for _, s in runs if s == "killed"),
        "runs_left_running": sum(1 for _, s in runs if s == "running"),
        "posts_lost": sum(max(0, expected[k] - posts.get(k, 0)) for k in urls),
        "posts_doubled": sum(max(0, posts.get(k, 0) - expected[k]) for k in urls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--one-by-one", type=int, default=5)
    parser.add_argument("--kill-sites", type=int, default=20)
    parser.add_argument("--probe-every", type=int, default=60)
    parser.add_argument("--per-process", type=int, default=30)
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    work = Path(tempfile.mkdtemp(prefix="egov-many-sites-"))
    write_profiles(work / "sites", args.sites, args.delay)
    os.environ["EGOV_SITES_DIR"] = str(work / "sites")
    with servers(args.sites) as urls:
        longest = max(urls, key=lambda key: 3 + int(key[-3:]) % 4)
        ideal = alone(urls, longest, args.backend, work)
        print(f"longest site alone ({longest}): {ideal:.1f}s", flush=True)
        keys = list(urls)[: args.one_by_one]
        serial_cpu = one_by_one(urls, keys, args.backend, work)
        print(f"one by one ({len(keys)} sites): {serial_cpu * 1000:.1f} ms CPU a page", flush=True)
        url, name = fresh_database(args.backend, work)
        try:
            result = night(urls, url, work, args.probe_every, args.per_process)
        finally:
            drop_database(name)
        print(f"night of {args.sites} sites ({args.backend}, delay {args.delay}s):")
        print(f"  makespan {result['makespan']:.1f}s = {result['makespan'] / ideal:.2f}x the ideal")
        print(
            f"  peak memory of the crawl processes {result['peak_mib']:.0f} MiB "
            f"({result['processes']} processes)"
        )
        print(
            f"  CPU {result['cpu_per_page'] * 1000:.1f} ms a page "
            f"= {result['cpu_per_page'] / serial_cpu:.2f}x one by one ({result['pages']} pages)"
        )
        print(
            f"  crawl processes' CPU {result['crawl_cpu']:.1f}s in all; "
            f"machine load average {result['load']:.1f} on {os.cpu_count()} cores"
        )
        print(f"  runs finished {result['finished']}, not finished {result['not_finished']}")
        print(
            f"  probes {result['probes']}: missed {result['probes_missed']}, "
            f"> 60 s late {result['probes_late']}, latest {result['probe_max_late']:.1f}s"
        )
        if args.kill_sites:
            subset = dict(list(urls.items())[: args.kill_sites])
            expected = {key: result["posts"].get(key, 0) for key in subset}
            kill = two_workers(subset, args.backend, work, expected)
            print(f"two workers, one SIGKILLed halfway: {kill}")


if __name__ == "__main__":
    main()
