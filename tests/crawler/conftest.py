"""Fixtures of the crawler tests: a real `scrapy crawl` of a sample site, and its result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from db.models import CrawlRun
from samplesites import sample_profile
from tests.crawls import scrapy_crawl
from tests.evidence_queries import last_run

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CrawlResult:
    returncode: int
    log: str
    run: CrawlRun


def crawl(url: str, base_url: str, *args: str, site: str = "") -> CrawlResult:
    """Run ``scrapy crawl portal`` of the sample portal (or ``site``) against ``base_url``."""
    site = site or sample_profile("sample-portal")
    fast = ("-s", "EGOV_RETRY_BACKOFF_BASE=0.05")
    done = scrapy_crawl(url, "portal", site, *fast, *args, base_url=base_url)
    return CrawlResult(done.returncode, done.stderr, last_run(url))
