"""Crawls in tests: ``scrapy crawl`` as a user runs it, and crawlers with the project's settings."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from schedules.crawl import crawl_command

REPO = Path(__file__).resolve().parents[1]
# Long enough for the largest sample site on a loaded machine; a hung crawl still fails.
TIME_LIMIT_SECONDS = 300


def scrapy_crawl(
    database_url: str,
    spider: str,
    site: str,
    *args: str,
    base_url: str | None = None,
    full: bool = False,
    env: Mapping[str, str] | None = None,
    timeout: float = TIME_LIMIT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl SPIDER -a site=SITE [-a base_url=…] ARGS`` from the repository root.

    ``site`` is a profile key or a path (``samplesites.sample_profile("sample-portal")``);
    ``env`` adds to the environment, whose ``EGOV_DATABASE_URL`` is ``database_url``.
    """
    command = [*crawl_command(spider, site, base_url, full), *args]
    return subprocess.run(
        command,
        cwd=REPO,
        env={**os.environ, "EGOV_DATABASE_URL": database_url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def project_crawler(
    spidercls: type[Spider] | None = None, settings: Mapping[str, Any] | None = None
) -> Crawler:
    """A crawler with the project's settings (``crawler/settings.py``), ``settings`` over them.

    Scrapy's ``get_crawler`` starts from Scrapy's defaults only; components read the project's
    defaults without restating them, so a test crawler needs them as a crawl has them.
    """
    project = {
        name: value
        for name, value in vars(project_settings).items()
        if name.isupper() and name != "TWISTED_REACTOR"  # the test process picks its reactor
    }
    return get_crawler(spidercls, {**project, **(settings or {})})
