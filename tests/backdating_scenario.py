"""Drive the real portal spider through :class:`samplesites.timeline.BackdatingTimeline`.

Usage (a migrated database with the department registry, e.g. ``with_registry(database_url)``)::

    result = run_backdating_scenario(url)
    result.honest_urls        # canonical URLs that must never be flagged backdated
    result.provable_urls      # truly backdated and provable: every one must be flagged
    result.unprovable_urls    # truly backdated, but nothing watched: "not provable"
    result.run_ids            # crawl label ("day 7 full") -> crawl_runs.id

Each scheduled crawl is one ``scrapy crawl portal -a site=sample-portal`` (``-a full=1`` for a
full walk) against the timeline's sample portal on 127.0.0.1, with ``-s EGOV_CLOCK`` at the
crawl's simulated time: runs, fetched pages, first sightings and column walks are stamped in
simulated time, so ``first_seen_at`` of a post published during the outage is weeks after its
claim, exactly as after a real outage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from samplesites import sample_profile
from samplesites.server import serving
from samplesites.timeline import BackdatingTimeline, TimelinePost
from tests.crawls import scrapy_crawl
from tests.evidence_queries import last_run

REPO = Path(__file__).resolve().parents[1]
SITE = "site=sample-portal"
DECLARED_BASE = "http://sample-portal.invalid"  # samplesites/sample-portal.toml


@dataclass
class ScenarioResult:
    timeline: BackdatingTimeline
    run_ids: dict[str, int]

    @staticmethod
    def url(entry: TimelinePost) -> str:
        assert entry.post is not None
        return DECLARED_BASE + entry.post.path("bmdt")

    def _urls(self, keep: object) -> set[str]:
        return {self.url(p) for p in self.timeline.published if keep(p)}  # type: ignore[operator]

    @property
    def honest_urls(self) -> set[str]:
        return self._urls(lambda p: not p.backdated)

    @property
    def provable_urls(self) -> set[str]:
        return self._urls(lambda p: p.backdated and p.provable)

    @property
    def unprovable_urls(self) -> set[str]:
        return self._urls(lambda p: p.backdated and not p.provable)


def run_backdating_scenario(
    database_url: str, timeline: BackdatingTimeline | None = None, *extra: str
) -> ScenarioResult:
    """Crawl the timeline's site at each scheduled moment; return the truth and the run ids."""
    timeline = timeline or BackdatingTimeline()
    run_ids: dict[str, int] = {}
    with serving(timeline.site) as server:
        for crawl in timeline.crawls:
            timeline.publish_until(crawl.at)
            done = scrapy_crawl(
                database_url,
                "portal",
                sample_profile("sample-portal"),
                *("-s", f"EGOV_CLOCK={crawl.at.isoformat()}"),
                *("-s", "EGOV_RETRY_BACKOFF_BASE=0.05", *extra),
                base_url=server.url,
                full=crawl.full,
            )
            run = last_run(database_url)
            assert done.returncode == 0 and run.status == "finished", (
                crawl.label,
                done.stderr[-3000:],
            )
            run_ids[crawl.label] = run.id
    return ScenarioResult(timeline, run_ids)
