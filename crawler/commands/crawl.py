"""``scrapy crawl``: checked before Scrapy starts, and never a silent failure after.

Before Scrapy starts (so before any request, and before its log begins) the command line, the
site profile and the evidence database are checked (:func:`crawler.startup.check_start`): a
crawl that cannot start prints one line, ``Error: …``, and exits with status 1 (2 for a mistake
on the command line), recorded as a failed crawl run wherever the database can take it.

After the crawl, a site crawl whose run did not finish (``failed``: it could not start in
``spider_opened``, an evidence write failed, it was shut down; ``blocked`` by an anti-bot
challenge) exits with status 1, and its last line on stderr says which run ended how and why.
Everything else is Scrapy's own ``crawl``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.profiles import profile_path
from crawler.recording import CrawlRecording, RunOutcome
from crawler.startup import StartFailure, check_start, record_failed_start, usable_database
from db.config import load_settings
from db.errors import one_line
from db.models import RunStatus


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        try:
            check_start(args, opts.spargs or {}, self.settings)
        except StartFailure as failure:
            print(f"Error: {failure}", file=sys.stderr)
            sys.exit(failure.status)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError  # as Scrapy's crawl: the usage
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        errors: list[BaseException] = []
        _catch_bootstrap_error(self.crawler_process.crawl(crawler, **opts.spargs), errors)
        self.crawler_process.start()
        line = _failure_line(crawler, opts.spargs or {}, errors)
        if line is None and self.crawler_process.bootstrap_failed:
            line = f"spider {args[0]} could not start (see the log above)"
        if line is not None:
            print(f"Error: {line}", file=sys.stderr)
            self.exitcode = 1


def _catch_bootstrap_error(started: Any, errors: list[BaseException]) -> None:
    """Keep the exception a crawl failed to start with (Scrapy only logs it)."""

    def keep(failure: Failure) -> Failure:
        errors.append(failure.value)
        return failure

    def keep_from_task(task: asyncio.Future[Any]) -> None:
        if not task.cancelled() and task.exception() is not None:
            errors.append(task.exception())  # type: ignore[arg-type]

    if isinstance(started, Deferred):
        started.addErrback(keep)
    elif isinstance(started, asyncio.Future):
        started.add_done_callback(keep_from_task)


def _failure_line(
    crawler: Crawler, spargs: dict[str, str], errors: list[BaseException]
) -> str | None:
    """The one line saying how a site crawl failed, or None when it finished."""
    try:
        recording = crawler.get_extension(CrawlRecording)
    except RuntimeError:  # the crawler never got as far as building its extensions
        recording = None
    outcome: RunOutcome | None = recording.outcome if recording is not None else None
    if outcome is not None:
        return None if outcome.status == RunStatus.FINISHED else outcome.line()
    if not errors or "site" not in spargs:
        return None
    spider = crawler.spidercls.name
    reason = f"spider {spider} could not start: {one_line(errors[0])}"
    try:
        engine = usable_database(load_settings().database_url)
    except StartFailure:
        return reason
    try:
        key = profile_path(spargs["site"]).stem
        run_id = record_failed_start(engine, key, None, spider, one_line(errors[0]))
    finally:
        engine.dispose()
    return f"{reason} (crawl run {run_id} recorded failed)" if run_id else reason
