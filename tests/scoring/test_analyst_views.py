"""The analysts' SQL views answer the same as the scoring code, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

from sqlalchemy import text

from db.models import UnresolvedName
from scoring.assessment.coverage import month_coverage
from scoring.assessment.portal_score import post_counts
from tests.scoring import factories as f

MONTHS = ("2012-01", "2012-02", "2012-03")


def test_monthly_posts_view_counts_unique_posts_like_the_score(session, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市发改委", tier=1)
    first = f.post(session, unit, f.shanghai(2012, 1, 31, 23), portal=portal)
    f.post(session, unit, f.shanghai(2012, 2, 1, 1), portal=portal, identity=first.identity_key)
    f.post(session, unit, f.shanghai(2012, 2, 3), portal=portal, backdated=True)
    f.post(session, None, f.shanghai(2012, 2, 3), portal=portal, attribution="unresolved")
    session.commit()
    rows = session.execute(
        text(
            "SELECT department, month, posts, backdated_posts FROM analyst_monthly_posts "
            "ORDER BY month"
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("市发改委", "2012-01", 1, 0),
        ("市发改委", "2012-02", 2, 1),
    ]
    counts = post_counts(session, MONTHS, late_cutoff)
    assert {m: n for (_, m), n in counts.items()} == {r.month: r.posts for r in rows}


def test_site_coverage_view_agrees_with_the_coverage_rule(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 1, 10, 3))
    f.run(session, portal, f.shanghai(2012, 2, 10, 3), status="failed", healthy=False)
    f.run(
        session,
        portal,
        f.shanghai(
            2012,
            2,
            29,
            23,
        ),
    )  # 15:00 UTC: still February here
    f.run(session, portal, f.shanghai(2012, 3, 2, 3), column_status="partial")
    probe = f.run(session, portal, f.shanghai(2012, 1, 20, 3), status="failed", healthy=False)
    probe.spider = "probe"  # a probe that could not start: not a list walk, not counted
    session.commit()
    rows = session.execute(
        text(
            "SELECT month, runs, healthy_runs, failed_runs, covered FROM analyst_site_coverage "
            "ORDER BY month"
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        ("2012-01", 1, 1, 0, 1),
        ("2012-02", 2, 1, 1, 0),
        ("2012-03", 1, 1, 0, 0),
    ]
    rule = month_coverage(session, "portal", MONTHS, late_cutoff)
    assert {m: int(c.complete) for m, c in rule.items()} == {r.month: r.covered for r in rows}


def test_lateness_and_unresolved_views_show_the_evidence(session):
    platform = f.site(session, "disclosure")
    unit = f.department(session, "市发改委", tier=1)
    document = f.document(
        session,
        unit,
        platform=platform,
        signed_on=dt.date(2012, 3, 1),
        published_on=dt.date(2012, 3, 12),
        number=3,
    )
    session.add(UnresolvedName(normalized="某某中心", example_text="某某中心", occurrences=2))
    portal = f.site(session)
    orphan = f.post(session, None, f.shanghai(2012, 3, 3), portal=portal, attribution="unresolved")
    orphan.source_normalized = "某某中心"
    session.commit()
    late = session.execute(
        text(
            "SELECT department, doc_number, signed_on, published_on, url, page_sha256 "
            "FROM analyst_document_lateness"
        )
    ).one()
    assert late[:2] == ("市发改委", "绍发改〔2012〕3号")
    assert (str(late.signed_on), str(late.published_on)) == ("2012-03-01", "2012-03-12")
    assert late.url == document.url
    assert len(late.page_sha256) == 64
    unresolved = session.execute(
        text("SELECT normalized, occurrences, unresolved_posts FROM analyst_unresolved_names")
    ).one()
    assert tuple(unresolved) == ("某某中心", 2, 1)


def test_every_view_is_documented_for_analysts():
    migration = importlib.import_module("db.migrations.versions.0002_analyst_views")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "analysts.md").read_text("utf-8")
    for view in migration.VIEWS:
        assert f"### `{view}`" in docs
