"""The review queue of listed pages that are gone: each with its list entry, until it returns."""

from __future__ import annotations

import datetime as dt

from db.models import GonePage
from scoring.console.queues import QUEUES
from scoring.rules import DEFAULT_RULES_FILE, load_rules
from tests.scoring import factories as f

CUTOFF = dt.datetime(2013, 6, 1, tzinfo=dt.UTC)


def _gone(session, portal, url: str, title: str) -> GonePage:
    row = GonePage(
        site_id=portal.id,
        column_id=portal.columns[0].id,
        url=url,
        listed_url=url,
        http_status=404,
        reason="HTTP 404 Not Found",
        list_title=title,
        list_date=dt.date(2012, 12, 2),
        first_seen_at=dt.datetime(2012, 12, 3, tzinfo=dt.UTC),
        last_seen_at=dt.datetime(2012, 12, 10, tzinfo=dt.UTC),
    )
    session.add(row)
    session.flush()
    return row


def test_gone_pages_wait_for_review_with_their_list_entry_until_they_come_back(session):
    rules = load_rules(DEFAULT_RULES_FILE)
    portal = f.site(session)
    queue = QUEUES["gone_page"]
    assert queue.city_wide  # counted for nobody: not a liaison's finding
    still = _gone(session, portal, f"{portal.base_url}art/dead.html", "市发改委部署检查")
    back = f.post(session, None, f.shanghai(2012, 12, 2, 9), portal=portal, attribution="external")
    _gone(session, portal, back.canonical_url, "回来的信息")

    listed = queue.list(session, rules, 2012, CUTOFF)
    assert [(c.subject_key, c.title) for c in listed] == [(f"gone:{still.id}", "市发改委部署检查")]
    assert "列表日期 2012-12-02；HTTP 404 Not Found" in listed[0].detail
    assert queue.lookup(session, rules, f"gone:{still.id}", CUTOFF) == listed[0]
    assert queue.list(session, rules, 2011, CUTOFF) == []
