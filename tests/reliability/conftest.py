"""Fixtures of the reliability tests: fault-injecting handlers, real crawls, truth comparisons."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from samplesites import sample_profile
from samplesites.server import Handler, Request, Response
from schedules.crawl import crawl_command as schedules_crawl_command
from tests.crawls import scrapy_crawl
from tests.evidence_queries import with_registry

REPO = Path(__file__).resolve().parents[2]
FAST = ["-s", "EGOV_RETRY_BACKOFF_BASE=0.05", "-s", "LOG_LEVEL=INFO"]


@pytest.fixture
def evidence_url(database_url: str) -> str:
    """A migrated database with the registry, on SQLite and on PostgreSQL in turn."""
    return with_registry(database_url)


@pytest.fixture
def sqlite_evidence_url(sqlite_url: str) -> str:
    return with_registry(sqlite_url)


@dataclass
class Faulty:
    """Wrap a sample site's handler with injected faults, chosen per request path.

    ``delay(path)`` seconds of sleep before answering (a slow or hanging column);
    ``override(request)`` a response replacing the site's own (5xx, redirects, huge bodies).
    """

    handler: Handler
    delay: Callable[[str], float] = lambda path: 0.0
    override: Callable[[Request], Response | None] = lambda request: None
    hits: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.hits[request.path] = self.hits.get(request.path, 0) + 1
        wait = self.delay(request.path)
        if wait:
            time.sleep(wait)
        return self.override(request) or self.handler(request)


def crawl_command(spider: str, site: str, base_url: str, *args: str) -> list[str]:
    """The ``scrapy crawl`` command of a sample (or profile) ``site``, with fast retries."""
    return [*schedules_crawl_command(spider, _site(site), base_url), *FAST, *args]


def _site(site: str) -> str:
    return sample_profile(site) if site.startswith("sample-") else site


def crawl_env(url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "EGOV_DATABASE_URL": url, **extra}


def run_scrapy(url: str, base_url: str, *args: str, spider: str = "portal", site: str = "") -> str:
    """Run ``scrapy crawl`` as a user would; return its log."""
    site = _site(site or f"sample-{spider}")
    return scrapy_crawl(url, spider, site, *FAST, *args, base_url=base_url).stderr
