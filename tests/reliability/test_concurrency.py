"""Concurrency: analysts query while a crawl writes; two schedulers never crawl one site twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from sqlalchemy import func, select, text

from db.engine import make_engine
from db.models import CrawlRun, FetchedPage, PageBody, PortalPost
from samplesites import SAMPLE_PROFILES_DIR
from samplesites.portal import SamplePortal
from samplesites.server import serving
from tests.evidence_queries import counted
from tests.reliability.conftest import REPO, Faulty

JOB = (
    "import json, sys; from schedules.jobs import crawl_site; "
    "print(json.dumps(crawl_site('sample-portal', time_limit_seconds=120, "
    "stop_grace_seconds=5, base_url=sys.argv[1])))"
)


def test_two_schedulers_and_analyst_queries_during_a_crawl_neither_clash_nor_tear(
    evidence_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    site = SamplePortal(months=2, departments=8, seed=13)
    slowed = Faulty(site, delay=lambda path: 0.02 if "/art/" in path else 0.0)
    env = {**os.environ, "EGOV_DATABASE_URL": evidence_url, "EGOV_VAR_DIR": str(tmp_path)}
    env["EGOV_SITES_DIR"] = str(SAMPLE_PROFILES_DIR)
    engine = make_engine(evidence_url)
    reads, last = 0, -1
    with serving(slowed) as server:
        schedulers = [
            subprocess.Popen(
                [sys.executable, "-c", JOB, server.url], cwd=REPO, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )
            for _ in range(2)
        ]  # fmt: skip
        while any(p.poll() is None for p in schedulers):
            with engine.connect() as connection, connection.begin():
                posts = connection.scalar(select(func.count(PortalPost.id))) or 0
                # Every post visible must show its evidence page and body: no torn read.
                with_evidence = connection.scalar(
                    select(func.count(PortalPost.id))
                    .join(FetchedPage, FetchedPage.id == PortalPost.page_id)
                    .join(PageBody, PageBody.sha256 == FetchedPage.sha256)
                )
                view = connection.scalar(
                    text("SELECT coalesce(sum(posts), 0) FROM analyst_monthly_posts")
                )
            assert posts == with_evidence
            assert posts >= last, "a reader saw the count go down"
            assert view is not None
            last, reads = posts, reads + 1
            time.sleep(0.05)
        outputs = [p.communicate(timeout=60) for p in schedulers]
    engine.dispose()
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["finished", "skipped"], outputs
    assert "being crawled" in next(r["reason"] for r in results if r["status"] == "skipped")
    engine = make_engine(evidence_url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count(CrawlRun.id))) == 1
    engine.dispose()
    assert reads >= 5
    assert counted(evidence_url) == dict(site.truth)
