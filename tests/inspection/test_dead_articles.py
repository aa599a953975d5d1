"""Dead articles in inspection columns: the columns stay dated, the dead links are counted.

Four listed articles of the sample site are gone (404, 410, a soft-404 page with status 200, a
302 to the error page). Two nightly walks a day apart and two link checks later, each column is
dated from its list as read that night (as on the sample without dead articles), and the
other-pages broken-link indicator counts the four gone pages with their list pages.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.engine import make_engine, session_scope
from samplesites.inspection import TRUTH
from scoring.inspection.site import inspect_site
from scoring.rules.national import load_national_rules
from tests.evidence_queries import with_registry
from tests.inspection.conftest import SITE_KEY, at, scrapy

pytestmark = pytest.mark.slow
DEAD = {
    "/art/dyn-news/0.html": "404",
    "/art/tzgg/1.html": "410",
    "/art/dyn-work/0.html": "soft404",
    "/art/dyn-dept/1.html": "redirect",
}
STATUS_WITHOUT_DEAD = {"dyn-news": "ok", "dyn-work": "warning", "dyn-dept": "stale", "tzgg": "ok"}


def test_dead_articles_leave_columns_dated_and_count_as_broken_links(database_url, servers, today):
    url = with_registry(database_url)
    site = servers.site
    site.dead = dict(DEAD)
    try:
        yesterday = today - dt.timedelta(days=1)
        scrapy(url, "portal", servers.base_url, clock=at(yesterday, 2))
        scrapy(url, "portal", servers.base_url, clock=at(today, 2))
        site.day = 1
        scrapy(url, "linkcheck", servers.base_url, clock=at(yesterday, 10))
        site.day = 2
        scrapy(url, "linkcheck", servers.base_url, clock=at(today, 10))
    finally:
        site.dead, site.day = {}, 1
    engine = make_engine(url)
    with session_scope(engine) as session:
        inspection = inspect_site(session, load_national_rules(), SITE_KEY, today)
    engine.dispose()

    states = {s.key: s for s in inspection.columns}
    assert {key: states[key].status for key in STATUS_WITHOUT_DEAD} == STATUS_WITHOUT_DEAD
    assert states["dyn-news"].newest_on == today - dt.timedelta(days=3)  # the dead newest item
    other = next(i for i in inspection.indicators if i.key == "broken_links_other")
    # the truth without dead articles is "at least 3 broken; 1 not checked" (robots.txt)
    broken_without_dead = int(TRUTH["broken_links_other"][0].split()[2])
    expected = f"at least {broken_without_dead + len(DEAD)} broken; 1 not checked"
    assert other.value == expected, other.evidence
    broken_part = other.evidence.split("broken on other pages", 1)[1].split(". ", 1)[0]
    for path in DEAD:
        assert path in broken_part, (path, other.evidence)
