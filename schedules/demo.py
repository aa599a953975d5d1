"""The one-command demo: sample sites on 127.0.0.1, crawled end to end, then the monthly report.

It does what an operator does on a real deployment, in the same order and through the same
commands (``scoring db upgrade``, ``scoring departments import``, ``scoring register import``,
``scrapy crawl`` under the scheduler's lock and time limit, ``scoring monthly-report``), only
against the bundled sample portal (Hanweb-style) and disclosure platform (TRS-style). No internet.
Progress goes to standard error; the report goes to standard output.
"""

from __future__ import annotations

import errno
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TextIO

from db.config import Settings
from db.engine import make_engine
from db.models import RunStatus
from samplesites import SAMPLE_PROFILES_DIR
from samplesites.server import Handler, LocalServer
from schedules.config import REPO_ROOT, DemoSettings, load_profiles
from schedules.crawl import CrawlOutcome, run_crawl
from schedules.environment import absolute_database_url, child_environment


class DemoError(RuntimeError):
    """A demo step failed; the message says which and why."""


def run_scoring(command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a scoring command as an operator would; return its output or raise DemoError."""
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise DemoError(f"{' '.join(command[2:])} failed ({result.returncode}): {tail}")
    return result.stdout + result.stderr


class Progress:
    """Numbered steps with timings on standard error; a live counter while a crawl runs."""

    def __init__(self, steps: int, stream: TextIO | None = None) -> None:
        self.steps = steps
        self.done = 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._last_line = 0.0

    @contextmanager
    def step(self, title: str) -> Iterator[Callable[[str], None]]:
        self.done += 1
        self._print(f"[{self.done}/{self.steps}] {title}")
        started = time.monotonic()
        notes: list[str] = []
        yield notes.append
        self._end_live()
        detail = f": {'; '.join(notes)}" if notes else ""
        self._print(f"      done in {time.monotonic() - started:.1f}s{detail}")

    def crawl_tick(self, seconds: float, pages: int) -> None:
        line = f"      {pages} new pages stored, {seconds:.0f}s"
        if self.live:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif seconds - self._last_line >= 10:
            self._last_line = seconds
            self._print(line)

    def _end_live(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
        self._last_line = 0.0

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def serve(stack: ExitStack, handler: Handler, port: int, progress: Progress) -> LocalServer:
    """Serve ``handler`` on the configured port, or on a free one if that port is taken."""
    try:
        server = LocalServer(handler, port=port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE or port == 0:
            raise
        progress._print(f"      port {port} is in use; using a free port instead")
        server = LocalServer(handler, port=0)
    server.start()
    stack.callback(server.stop)
    return server


def run_demo(settings: Settings, demo: DemoSettings, out: TextIO | None = None) -> list[str]:
    """Run the demo; return the problems found (failed or unhealthy crawls), empty if none."""
    from samplesites.disclosure import SampleDisclosure  # generating a year takes a moment
    from samplesites.portal import SamplePortal

    out = out or sys.stdout
    progress = Progress(steps=7)
    env = {**child_environment(settings), "EGOV_SITES_DIR": str(SAMPLE_PROFILES_DIR)}
    url = absolute_database_url(settings.database_url)
    profiles = load_profiles(SAMPLE_PROFILES_DIR)
    for key in (demo.portal_site, demo.disclosure_site):
        if key not in profiles:
            raise DemoError(f"no site profile {SAMPLE_PROFILES_DIR / key}.toml")
    progress._print(f"evidence database: {url}")

    def scoring(*args: str) -> str:
        return run_scoring([sys.executable, "-m", "scoring", *args], env)

    with progress.step("create or upgrade the schema (scoring db upgrade)") as note:
        note(scoring("db", "upgrade").strip())
    with progress.step("load the 2012 departments (scoring departments import)") as note:
        note(scoring("departments", "import").strip())

    problems: list[str] = []
    with ExitStack() as stack:
        with progress.step(f"generate and serve the sample sites of {demo.year}") as note:
            portal = SamplePortal(year=demo.year, seed=demo.seed, scale=demo.portal_scale)
            disclosure = SampleDisclosure(year=demo.year, seed=demo.seed)
            portal_server = serve(stack, portal, demo.portal_port, progress)
            disclosure_server = serve(stack, disclosure, demo.disclosure_port, progress)
            note(f"portal {portal_server.url} ({len(portal.posts)} posts)")
            note(f"disclosure platform {disclosure_server.url} ({len(disclosure.truth)} documents)")

        with progress.step("import the register of signed documents (scoring register)") as note:
            folder = settings.var_dir.resolve() / "demo"
            folder.mkdir(parents=True, exist_ok=True)
            register = folder / f"register-{demo.year}.csv"
            register.write_bytes(disclosure.register_csv())
            explanations = folder / f"explanations-{demo.year}.csv"
            explanations.write_bytes(disclosure.explanations_csv())
            note(scoring("register", "import", str(register)).strip())
            note(scoring("register", "explanations", str(explanations)).strip())

        engine = make_engine(url)
        stack.callback(engine.dispose)
        for key, server in (
            (demo.portal_site, portal_server),
            (demo.disclosure_site, disclosure_server),
        ):
            with progress.step(f"crawl {key} at {server.url} (scrapy crawl, own process)") as note:
                outcome = run_crawl(
                    engine,
                    url,
                    profiles[key],
                    time_limit=demo.crawl_time_limit_seconds,
                    base_url=server.url,
                    log_dir=settings.var_dir.resolve() / "logs" / "crawls",
                    progress=progress.crawl_tick,
                    env=env,
                )
                note(_describe(outcome))
            if outcome.status != RunStatus.FINISHED or outcome.healthy is False:
                problems.append(outcome.summary() + f" (log: {outcome.log_file})")

    with progress.step(f"monthly report for {demo.report_month} (scoring monthly-report)"):
        report = scoring("monthly-report", "--month", demo.report_month)
    out.write(report)
    out.flush()
    return problems


def _describe(outcome: CrawlOutcome) -> str:
    health = "healthy" if outcome.healthy else "UNHEALTHY"
    where = f", log {_relative(outcome.log_file)}" if outcome.log_file else ""
    return (
        f"{outcome.status}, {outcome.items} items, {outcome.responses} responses, "
        f"{outcome.pages} new pages stored, {health}{where}"
    )


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
