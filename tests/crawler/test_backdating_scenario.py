"""The walks recorded through a four-week outage prove exactly the provable backdated posts.

The scenario (:mod:`samplesites.timeline`, driven by :mod:`tests.backdating_scenario`): honest
posts every day, nightly and weekly crawls, four weeks with no crawl at all, then weekly full
walks, and twelve truly backdated posts inserted deep in the list. Read straight from the
recorded evidence, the proof "a complete walk of the column that reached back past the claimed
date, ran more than 7 days after it, and did not list the post" finds every provable one and
flags no honest post; the crawl-time rule it replaces (first sighting more than 7 days after the
claim) flags the honest posts of the outage.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.models import CrawlColumnResult, CrawlRun, PortalPost, SiteColumn
from tests.backdating_scenario import ScenarioResult, run_backdating_scenario
from tests.evidence_queries import query, with_registry

pytestmark = pytest.mark.slow
MARGIN = dt.timedelta(days=7)


def proved_backdated(url: str) -> set[str]:
    """Posts of 部门动态 a recorded walk proves backdated (the rule, read from the evidence)."""
    walks = query(
        url,
        select(
            CrawlRun.started_at,
            CrawlRun.finished_at,
            CrawlColumnResult.reached_end,
            CrawlColumnResult.oldest_seen,
        )
        .join(CrawlColumnResult, CrawlColumnResult.crawl_run_id == CrawlRun.id)
        .join(SiteColumn, SiteColumn.id == CrawlColumnResult.column_id)
        .where(SiteColumn.key == "bmdt", CrawlColumnResult.status == "complete"),
    )
    posts = query(
        url, select(PortalPost.canonical_url, PortalPost.published_at, PortalPost.first_seen_at)
    )
    proved = set()
    for post_url, claimed, first_seen in posts:
        for started, finished, reached_end, oldest in walks:
            reached_back = reached_end or (oldest is not None and claimed.date() > oldest)
            if started - claimed > MARGIN and finished < first_seen and reached_back:
                proved.add(post_url)
    return proved


def test_the_walks_prove_every_provable_backdated_post_and_no_honest_one(
    database_url: str,
) -> None:
    url = with_registry(database_url)
    result: ScenarioResult = run_backdating_scenario(url)
    assert len(result.run_ids) == 10
    first_seen = dict(query(url, select(PortalPost.canonical_url, PortalPost.first_seen_at)))
    claimed = dict(query(url, select(PortalPost.canonical_url, PortalPost.published_at)))
    everything = result.honest_urls | result.provable_urls | result.unprovable_urls
    assert everything <= set(first_seen)  # every post of the timeline was stored
    assert (len(result.honest_urls), len(result.provable_urls), len(result.unprovable_urls)) == (
        118,
        8,
        4,
    )

    proved = proved_backdated(url)
    assert proved & everything == result.provable_urls
    assert not proved & result.honest_urls

    # The rule it replaces: a first sighting more than 7 days after the claim.
    late = {u for u in everything if first_seen[u] - claimed[u] > MARGIN}
    assert len(late & result.honest_urls) >= 40  # the posts published during the outage
    assert len(late & (result.provable_urls | result.unprovable_urls)) == 11
