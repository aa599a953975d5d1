"""The link check stays within its per-host limit and records what it left unchecked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import LinkCheck, LinkCheckRun
from tests.evidence_queries import query
from tests.inspection.conftest import scrapy

pytestmark = pytest.mark.slow


def test_links_over_the_per_host_limit_are_skipped_not_requested(sqlite_url, servers):
    external = servers.external
    before = len(external.requests)
    limit = ["-s", "EGOV_LINKCHECK_MAX_LINKS_PER_HOST=2"]
    scrapy(sqlite_url, "linkcheck", servers.base_url, *limit)
    host = servers.external_server.url
    rows = [
        r[0] for r in query(sqlite_url, select(LinkCheck).where(LinkCheck.url.startswith(host)))
    ]
    checked = [r for r in rows if r.outcome != "skipped"]
    skipped = [r for r in rows if r.outcome == "skipped"]
    assert len(rows) == 5 and len(checked) == 2
    assert {r.error for r in skipped} == {"over 2 links a run on 127.0.0.3"}
    requested = {path for _, path in external.requests[before:] if path != "/robots.txt"}
    assert requested == {urlpath(r.url) for r in checked}
    [run] = [r[0] for r in query(sqlite_url, select(LinkCheckRun))]
    assert run.status == "finished" and run.pages_scanned == 18
    assert run.links_checked == len(query(sqlite_url, select(LinkCheck.id)))


def urlpath(url: str) -> str:
    return "/" + url.split("/", 3)[3]
