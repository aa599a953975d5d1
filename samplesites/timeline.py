"""The sample portal over simulated weeks: honest posts, a crawler outage, backdated posts.

A backdating finding (倒填日期) is an accusation, so it must hold when the crawler itself was
down. :class:`BackdatingTimeline` is a sample portal whose content changes day by day, with the
crawls that watch it and the truth about every post:

- history: January and February 2012 (:class:`~samplesites.portal.SamplePortal`);
- honest posts from a few days before day 0 (Monday 2012-03-05, Asia/Shanghai) to the end, each
  listed from the moment it claims (``posts_per_day`` a day, 09:00 and later);
- crawls at 02:00: day 0 a full walk (the site's first crawl), nightly walks on days 1 to 4, a
  full walk on day 7, then **four weeks of outage**, then weekly full walks on days 35, 42, 49
  and 56;
- truly backdated posts: inserted on a given day with a claimed date in the past, so they are
  listed deep in 部门动态 (:data:`BACKDATED`).

``provable_by`` of a backdated post names the full walks that ran more than ``margin_days``
after its claimed date and before it was inserted: they read the whole list and did not list
it, which proves the claim false. A backdated post with no such walk is not provable (nothing
watched the list between the claim and the insertion), and an honest post never is. The
schedule is checked so that no nightly walk falls in a window without a full walk: the truth
does not depend on how far back a nightly walk happened to reach.

``tests/backdating_scenario.py`` drives the real portal spider through the timeline, one
``scrapy crawl`` per scheduled crawl with the crawl clock (EGOV_CLOCK) at its time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from samplesites.portal import SHANGHAI, SamplePortal, SamplePost

DAY_0 = dt.datetime(2012, 3, 5, 2, 0, tzinfo=SHANGHAI)  # a Monday, the first crawl
NIGHTLY_DAYS = (1, 2, 3, 4)
FULL_WALK_DAYS = (0, 7, 35, 42, 49, 56)  # no crawl at all on days 8 to 34: the outage
LAST_DAY = 56
# (day inserted, day claimed): inserted at 12:00, claiming 10:00 of the claimed day.
BACKDATED = (
    (3, -30),  # proved by day 0 (nightly walks 1-3 ran in its window too)
    (5, -8),  # proved by day 0
    (15, -20),  # proved by days 0 and 7, inserted during the outage
    (20, 2),  # not provable: claimed after day 0, nothing watched until day 35
    (25, 0),  # not provable: day 7 ran less than 7 days after 10:00 on day 0
    (30, -40),  # proved by days 0 and 7
    (38, 20),  # proved by day 35
    (40, 37),  # not provable: claimed too recently
    (45, 30),  # proved by day 42
    (46, 10),  # proved by days 35 and 42
    (52, 44),  # not provable: day 49 ran 5 days after the claim
    (53, 5),  # proved by days 35, 42 and 49
)


@dataclass(frozen=True)
class ScheduledCrawl:
    label: str  # "day 7 full", "day 2 nightly"
    at: dt.datetime
    full: bool


@dataclass
class TimelinePost:
    """A post of the timeline: when it appears on the site, what it claims, what it is."""

    visible_at: dt.datetime
    claimed: dt.datetime
    unit: int
    backdated: bool
    provable_by: tuple[str, ...] = ()
    post: SamplePost | None = None  # set once published on the site

    @property
    def provable(self) -> bool:
        return bool(self.provable_by)


def day(n: float, hour: int = 0) -> dt.datetime:
    """Day ``n`` of the timeline at ``hour`` o'clock, Asia/Shanghai."""
    return DAY_0.replace(hour=0) + dt.timedelta(days=n, hours=hour)


@dataclass
class BackdatingTimeline:
    """The sample portal, its schedule of crawls and the truth (see the module docstring)."""

    posts_per_day: int = 2
    margin_days: float = 7.0
    departments: int = 6
    seed: int = 2012
    site: SamplePortal = field(init=False)
    crawls: list[ScheduledCrawl] = field(init=False)
    posts: list[TimelinePost] = field(init=False)

    def __post_init__(self) -> None:
        self.site = SamplePortal(year=2012, seed=self.seed, months=2, departments=self.departments)
        walks = [(d, True) for d in FULL_WALK_DAYS] + [(d, False) for d in NIGHTLY_DAYS]
        self.crawls = [
            ScheduledCrawl(f"day {d} {'full' if full else 'nightly'}", day(d, 2), full)
            for d, full in sorted(walks)
        ]
        honest = [
            TimelinePost(moment, moment, unit=d * self.posts_per_day + i, backdated=False)
            for d in range(-3, LAST_DAY)
            for i in range(self.posts_per_day)
            for moment in [day(d, 9 + i * (8 // self.posts_per_day))]
        ]
        backdated = [
            TimelinePost(day(inserted, 12), day(claimed, 10), unit=n, backdated=True)
            for n, (inserted, claimed) in enumerate(BACKDATED)
        ]
        for post in backdated:
            post.provable_by = self._proving_walks(post)
        self.posts = sorted(honest + backdated, key=lambda p: p.visible_at)

    def _proving_walks(self, post: TimelinePost) -> tuple[str, ...]:
        earliest = post.claimed + dt.timedelta(days=self.margin_days)
        window = [c for c in self.crawls if earliest < c.at < post.visible_at]
        proving = tuple(c.label for c in window if c.full)
        if window and not proving:
            raise ValueError(f"only nightly walks watch the window of {post}: truth unclear")
        return proving

    def publish_until(self, moment: dt.datetime) -> list[TimelinePost]:
        """Put on the site every post visible by ``moment`` not yet there; return them."""
        due = [p for p in self.posts if p.post is None and p.visible_at <= moment]
        for entry in due:
            entry.post = self.site.publish(entry.claimed, entry.unit)
        return due

    @property
    def published(self) -> list[TimelinePost]:
        return [p for p in self.posts if p.post is not None]
