"""The portal sub-score (门户网站, 8 points) against hand-computed expectations."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from scoring.assessment.assess import assess
from scoring.assessment.periods import parse_month, parse_year
from scoring.assessment.portal_score import month_credit
from tests.scoring import factories as f


@pytest.mark.parametrize(
    ("posts", "quota", "expected"),
    [(0, 12, "0"), (6, 12, "0.5"), (12, 12, "1"), (20, 12, "1"), (1, 2, "0.5")],
)
def test_proportional_credit_at_zero_partial_exact_and_above_quota(posts, quota, expected):
    assert month_credit(posts, quota, "proportional") == Decimal(expected)


@pytest.mark.parametrize(("posts", "expected"), [(0, "0"), (11, "0"), (12, "1"), (30, "1")])
def test_all_or_nothing_credit_needs_the_whole_quota(posts, expected):
    assert month_credit(posts, 12, "all_or_nothing") == Decimal(expected)


def _covered(session, portal, until_month: int) -> None:
    """Healthy complete runs in every month of 2012 up to and after ``until_month``."""
    for month in range(1, until_month + 2):
        f.run(session, portal, f.shanghai(2012, month, 1, 3))


def _score(session, rules, label, cutoff, unit):
    period = parse_month(label) if "-" in label else parse_year(label)
    return assess(session, rules, period, cutoff).unit(unit.id).portal


def test_average_monthly_credit_times_eight_with_duplicates_counted_once(
    session, rules, late_cutoff
):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=2)  # quota 5
    _covered(session, portal, 3)
    f.posts(session, unit, 2012, 1, 5, portal=portal)
    f.posts(session, unit, 2012, 2, 2, portal=portal)
    march = f.posts(session, unit, 2012, 3, 9, portal=portal)
    # the same article reached through another URL shares the identity: still 9 in March
    f.post(session, unit, f.shanghai(2012, 3, 20), portal=portal, identity=march[0].identity_key)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    assert [m.posts for m in score.months] == [5, 2, 9]
    assert [m.credit for m in score.months] == [Decimal(1), Decimal("0.4"), Decimal(1)]
    # (1 + 0.4 + 1) / 3 × 8 = 6.4
    assert score.points == Decimal("6.4")
    assert score.ytd_posts == 16
    assert score.bonus == 0


def test_month_follows_shanghai_date_not_utc(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=3)  # quota 2
    _covered(session, portal, 2)
    # 2012-02-29 17:00 UTC is 2012-03-01 01:00 in Shanghai: a March post
    f.post(session, unit, dt.datetime(2012, 2, 29, 17, tzinfo=dt.UTC), portal=portal)
    f.post(session, unit, dt.datetime(2012, 2, 29, 15, tzinfo=dt.UTC), portal=portal)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    assert [(m.month, m.posts) for m in score.months] == [
        ("2012-01", 0),
        ("2012-02", 1),
        ("2012-03", 1),
    ]


def test_annual_bonus_is_added_at_the_threshold(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市档案局", tier=3)  # quota 2, threshold 50
    _covered(session, portal, 3)
    f.posts(session, unit, 2012, 1, 50, portal=portal)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    # credits 1, 0, 0: 8 / 3 = 2.666…, + 1 bonus
    assert score.bonus == Decimal(1)
    assert score.points.quantize(Decimal("0.01")) == Decimal("3.67")


def test_annual_bonus_is_not_added_one_post_below_the_threshold(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市档案局", tier=3)
    _covered(session, portal, 3)
    f.posts(session, unit, 2012, 1, 49, portal=portal)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    assert score.bonus == 0
    assert score.points.quantize(Decimal("0.01")) == Decimal("2.67")


def test_bonus_never_takes_the_subitem_above_its_maximum(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市档案局", tier=3)
    _covered(session, portal, 3)
    for month in (1, 2, 3):
        f.posts(session, unit, 2012, month, 20, portal=portal)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    assert score.ytd_posts == 60
    assert score.bonus == Decimal(1)
    assert score.points == Decimal(8)


def test_incomplete_month_is_flagged_and_left_out_not_read_as_zero(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=2)
    _covered(session, portal, 3)
    f.run(session, portal, f.shanghai(2012, 2, 14, 3), status="failed", healthy=False)
    f.posts(session, unit, 2012, 1, 5, portal=portal)
    f.posts(session, unit, 2012, 3, 5, portal=portal)
    score = _score(session, rules, "2012-03", late_cutoff, unit)
    february = score.months[1]
    assert (february.posts, february.covered, february.counted) == (0, False, False)
    assert score.incomplete_months == ("2012-02",)
    assert score.points == Decimal(8)  # average of January and March only

    include = dataclasses.replace(
        rules, portal=dataclasses.replace(rules.portal, incomplete_months="include")
    )
    included = _score(session, include, "2012-03", late_cutoff, unit)
    assert included.points.quantize(Decimal("0.01")) == Decimal("5.33")  # (1+0+1)/3 × 8


def test_only_months_ended_by_the_cutoff_are_assessed(session, rules):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=2)
    _covered(session, portal, 11)
    f.posts(session, unit, 2012, 1, 5, portal=portal)
    cutoff = f.shanghai(2012, 2, 10).astimezone(dt.UTC)
    score = _score(session, rules, "2012", cutoff, unit)
    assert [m.month for m in score.months] == ["2012-01"]
    assert score.points == Decimal(8)


def test_evidence_first_seen_after_the_cutoff_is_ignored(session, rules):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=2)
    _covered(session, portal, 3)
    f.posts(session, unit, 2012, 1, 4, portal=portal)
    f.post(
        session,
        unit,
        f.shanghai(2012, 1, 30),
        portal=portal,
        first_seen_at=f.shanghai(2012, 3, 2),
        backdated=True,
    )
    cutoff = f.shanghai(2012, 3, 1).astimezone(dt.UTC)
    before = _score(session, rules, "2012-01", cutoff, unit)
    after = _score(session, rules, "2012-01", f.shanghai(2012, 4, 1).astimezone(dt.UTC), unit)
    assert (before.months[0].posts, before.months[0].backdated) == (4, 0)
    assert (after.months[0].posts, after.months[0].backdated) == (5, 1)


def test_posts_of_external_or_unresolved_sources_count_for_nobody(session, rules, late_cutoff):
    portal = f.site(session)
    unit = f.department(session, "市统计局", tier=2)
    _covered(session, portal, 1)
    f.post(session, None, f.shanghai(2012, 1, 5), portal=portal, attribution="unresolved")
    f.post(session, None, f.shanghai(2012, 1, 6), portal=portal, attribution="external")
    f.post(session, unit, f.shanghai(2012, 1, 7), portal=portal)
    assert _score(session, rules, "2012-01", late_cutoff, unit).months[0].posts == 1
