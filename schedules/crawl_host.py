"""A crawl process for many sites: one Twisted reactor, one Scrapy crawler per site in flight.

``python -m schedules.crawl_host`` reads commands, one JSON object a line, on standard input::

    {"op": "crawl", "site": "sx-portal", "spider": "portal", "base_url": null, "full": false}
    {"op": "stop", "site": "sx-portal"}

and answers on standard output, one line an event, each prefixed with :data:`EVENT_PREFIX`::

    {"event": "done", "site": "sx-portal", "error": null}

Each site's crawler is built from the project settings with the site's own politeness, as
``scrapy crawl`` builds it, and records its own crawl run, coverage and walks; this process only
says when each one ended and, when it did not finish, the one line saying why (the line ``scrapy
crawl`` would print). A crawler that fails (its start, a component, an exception in its engine)
ends alone: the others go on. At the end of standard input, the process ends once the crawls in
flight have. Scrapy's log of every site goes to standard error.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, TextIO

from scrapy.crawler import Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.log import configure_logging
from scrapy.utils.project import get_project_settings
from scrapy.utils.reactor import install_reactor
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from crawler.commands.crawl import _failure_line
from crawler.startup import StartFailure, check_start
from db.errors import one_line

EVENT_PREFIX = "egov-crawl-host "


class Host:
    """The crawls in flight in this process, started and stopped by command."""

    def __init__(self, runner: CrawlerRunner, settings: Settings, out: TextIO) -> None:
        self.runner = runner
        self.settings = settings
        self.out = out
        self.crawlers: dict[str, Crawler] = {}
        self.starting: set[str] = set()
        self.draining = False

    def handle(self, command: dict[str, Any]) -> None:
        """Act on one command (in the reactor's thread)."""
        if command.get("op") == "crawl":
            self.crawl(command)
        elif command.get("op") == "stop" and command.get("site") in self.crawlers:
            deferred_from_coro(self.crawlers[command["site"]].stop_async())
        elif command.get("op") == "end":
            self.draining = True
            self._end_if_idle()

    def crawl(self, command: dict[str, Any]) -> None:
        site, spider = str(command["site"]), str(command["spider"])
        spargs = {"site": site}
        if command.get("base_url"):
            spargs["base_url"] = str(command["base_url"])
        if command.get("full"):
            spargs["full"] = "1"
        if site in self.crawlers or site in self.starting:
            self.emit(site, f"{site} is already being crawled by this process")
            return
        # The checks read the profile and the database: off the reactor's thread, so that 60
        # sites starting together do not stall the crawls already running.
        self.starting.add(site)
        checked = deferToThread(check_start, [spider], spargs, self.settings)
        checked.addCallbacks(
            lambda _: self._start(site, spider, spargs),
            lambda failure: self._not_started(site, failure),
        )

    def _not_started(self, site: str, failure: Failure) -> None:
        self.starting.discard(site)
        reason = failure.value
        self.emit(site, str(reason) if isinstance(reason, StartFailure) else one_line(reason))
        self._end_if_idle()

    def _start(self, site: str, spider: str, spargs: dict[str, str]) -> None:
        self.starting.discard(site)
        try:
            crawler = self.runner.create_crawler(spider)
        except Exception as error:
            self.emit(site, f"spider {spider} could not start: {one_line(error)}")
            self._end_if_idle()
            return
        self.crawlers[site] = crawler
        errors: list[BaseException] = []

        def failed(failure: Failure) -> None:
            errors.append(failure.value)

        def ended(_: Any) -> None:
            del self.crawlers[site]
            try:
                line = _failure_line(crawler, spargs, errors)
            except Exception as error:  # the database went away: still say how the crawl ended
                line = f"{one_line(errors[0]) if errors else 'crawl ended'}; {one_line(error)}"
            if line is None and errors:
                line = f"crawler crashed: {one_line(errors[0])}"
            self.emit(site, line)
            self._end_if_idle()

        self.runner.crawl(crawler, **spargs).addErrback(failed).addBoth(ended)

    def emit(self, site: str, error: str | None) -> None:
        event = {"event": "done", "site": site, "error": error}
        self.out.write(EVENT_PREFIX + json.dumps(event, ensure_ascii=False) + "\n")
        self.out.flush()

    def _end_if_idle(self) -> None:
        if self.draining and not self.crawlers and not self.starting:
            from twisted.internet import reactor

            reactor.stop()  # type: ignore[attr-defined]


def read_commands(stream: TextIO, call: Any, host: Host) -> None:
    """Pass each command line to the reactor; at the end of input, drain and stop."""
    for line in stream:
        if line.strip():
            call(host.handle, json.loads(line))
    call(host.handle, {"op": "end"})


def main() -> None:
    settings = get_project_settings()
    # One telnet console a crawler would take one port each: 60 sites, the whole port range.
    settings.set("TELNETCONSOLE_ENABLED", False, priority="cmdline")
    configure_logging(settings)
    install_reactor(settings["TWISTED_REACTOR"], settings["ASYNCIO_EVENT_LOOP"])
    from twisted.internet import reactor

    runner = CrawlerRunner(settings)
    host = Host(runner, settings, sys.stdout)
    call = reactor.callFromThread  # type: ignore[attr-defined]
    threading.Thread(target=read_commands, args=(sys.stdin, call, host), daemon=True).start()
    reactor.run(installSignalHandlers=True)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
