"""Run ``scrapy crawl`` in tests as a user would: one command line, one time limit."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

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
