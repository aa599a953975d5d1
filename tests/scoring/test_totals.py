"""Totals over the whole rubric: entries, adjustments, note 3, ※ and ▲ rescaling."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.models import ManualScore
from scoring.assessment.assess import assess
from scoring.assessment.periods import parse_quarter, parse_year
from scoring.entries.manual import ManualEntryError, add_entry, computed_subitems
from tests.scoring import factories as f

YEAR = parse_year("2012")


def _full_marks(session, rules, unit, *, except_for: dict[str, str] | None = None):
    """Enter every non-exempt sub-item at its maximum, or the points given.

    A sub-item the crawl computes takes no ``score`` entry any more; its full marks are an
    override stored before that rule, which the assessment still applies.
    """
    except_for = except_for or {}
    for sub in rules.rubric_for(unit.kind).subitems():
        if sub.key in computed_subitems(rules):
            session.add(
                ManualScore(
                    department_id=unit.id,
                    item_key=sub.key,
                    period="2012",
                    kind="score",
                    points=Decimal(except_for.get(sub.key, str(sub.points))),
                    reason="检查结果",
                    entered_by="王芳",
                )
            )
            continue
        add_entry(
            session,
            rules,
            department=unit.short_name,
            item_key=sub.key,
            period="2012",
            points=except_for.get(sub.key, str(sub.points)),
            reason="检查结果",
            entered_by="王芳",
        )


def _totals(session, rules, cutoff, kind="department", period=YEAR):
    assessed = assess(session, rules, period, cutoff).units_of(kind)
    return {a.unit.short_name: a.total for a in assessed}


def test_liaison_office_is_scored_out_of_98(session, rules, late_cutoff):
    unit = f.department(session, "驻京联络处", tier=3, is_liaison_office=True)
    _full_marks(session, rules, unit, except_for={"a2.network.security": "3.1"})
    total = _totals(session, rules, late_cutoff)["驻京联络处"]
    duty = next(s for s in total.subitems if s.key == "a2.portal.duty")
    assert duty.source == "exempt"
    assert total.out_of == Decimal(98)
    assert total.raw == Decimal("93.1")  # 98 − 4.9
    assert total.total == Decimal(95)  # 93.1 × 100 / 98
    assert total.missing == []


def test_department_without_approval_items_is_scored_out_of_90(session, rules, late_cutoff):
    unit = f.department(session, "市档案局", tier=3, has_no_approval_items=True)
    _full_marks(session, rules, unit, except_for={"a2.applications.office": "0"})
    total = _totals(session, rules, late_cutoff)["市档案局"]
    assert total.out_of == Decimal(90)
    assert total.total.quantize(Decimal("0.01")) == Decimal("91.11")  # 82 × 100 / 90


def test_both_exemptions_together_leave_88_points(session, rules, late_cutoff):
    unit = f.department(
        session, "市旅游集团", tier=3, is_city_enterprise=True, has_no_approval_items=True
    )
    _full_marks(session, rules, unit)
    total = _totals(session, rules, late_cutoff)["市旅游集团"]
    assert (total.out_of, total.raw, total.total) == (Decimal(88), Decimal(88), Decimal(100))


def test_suggestions_add_half_a_point_each_capped_at_one(session, rules, late_cutoff):
    unit = f.department(session, "市发改委", tier=1)
    _full_marks(session, rules, unit)
    for month in ("2012-03", "2012-05", "2012-09"):
        add_entry(
            session,
            rules,
            department="市发改委",
            item_key="a2.portal",
            period=month,
            points=None,
            reason="报告门户网站错误链接",
            entered_by="李明",
            kind="suggestion",
        )
    total = _totals(session, rules, late_cutoff)["市发改委"]
    assert (total.suggestion.count, total.suggestion.raw_points) == (3, Decimal("1.5"))
    assert total.suggestion.points == Decimal(1)
    assert total.items["a2.portal"] == Decimal(16)  # exceeds_item_maximum = true
    assert total.total == Decimal(101)


def test_suggestions_after_the_period_do_not_count(session, rules, late_cutoff):
    unit = f.department(session, "市发改委", tier=1)
    add_entry(
        session,
        rules,
        department="市发改委",
        item_key="a2.portal",
        period="2012-05",
        points=None,
        reason="建议",
        entered_by="李明",
        kind="suggestion",
    )
    q1 = _totals(session, rules, late_cutoff, period=parse_quarter("2012Q1"))["市发改委"]
    assert q1.suggestion is None
    assert unit.id == q1.department_id


def test_adjustment_is_added_to_the_computed_portal_score_within_its_maximum(
    session, rules, late_cutoff
):
    portal = f.site(session)
    for month in range(1, 14):
        f.run(session, portal, f.shanghai(2012 + (month - 1) // 12, (month - 1) % 12 + 1, 1, 3))
    unit = f.department(session, "市统计局", tier=2)
    for month in range(1, 13):
        f.posts(session, unit, 2012, month, 5 if month % 2 else 3, portal=portal)
    # credits: six months at 1, six at 0.6 → average 0.8 → 6.4
    add_entry(
        session,
        rules,
        department="市统计局",
        item_key="a2.portal.site",
        period="2012",
        points="0.5",
        reason="开展网上调查2次",
        entered_by="王芳",
        kind="adjustment",
    )
    total = _totals(session, rules, late_cutoff)["市统计局"]
    site = next(s for s in total.subitems if s.key == "a2.portal.site")
    assert (site.computed, site.adjustment, site.points) == (
        Decimal("6.4"),
        Decimal("0.5"),
        Decimal("6.9"),
    )
    assert site.source == "crawler+adjustment"
    add_entry(
        session,
        rules,
        department="市统计局",
        item_key="a2.portal.site",
        period="2012",
        points="3",
        reason="更正",
        entered_by="王芳",
        kind="adjustment",
    )
    total = _totals(session, rules, late_cutoff)["市统计局"]
    site = next(s for s in total.subitems if s.key == "a2.portal.site")
    assert site.points == Decimal(8)  # latest adjustment wins, capped at the maximum


def test_latest_entry_wins_and_missing_items_are_listed(session, rules, late_cutoff):
    f.department(session, "市发改委", tier=1)
    for points in ("2", "1.5"):
        add_entry(
            session,
            rules,
            department="市发改委",
            item_key="a2.coordination.organisation",
            period="2012",
            points=points,
            reason="名单更新",
            entered_by="王芳",
        )
    total = _totals(session, rules, late_cutoff)["市发改委"]
    organisation = next(s for s in total.subitems if s.key == "a2.coordination.organisation")
    assert organisation.points == Decimal("1.5")
    assert "a2.network.security" in total.missing
    assert "a2.portal.site" in total.missing  # no portal site: not assessable, shown
    assert total.raw == Decimal("1.5")


def test_county_is_scored_on_annex_1(session, rules, late_cutoff):
    unit = f.department(session, "越城区", tier=None, kind="county")
    _full_marks(session, rules, unit, except_for={"a1.portal.local": "20"})
    total = _totals(session, rules, late_cutoff, kind="county")["越城区"]
    assert (total.out_of, total.total) == (Decimal(100), Decimal(95))


@pytest.mark.parametrize(
    ("item", "points", "message"),
    [
        ("a2.portal.duty", "2.5", "takes 0 to 2"),
        ("a2.nothing", "1", "no sub-item 'a2.nothing'"),
        ("a2.portal.duty", "x", "must be a number"),
    ],
)
def test_invalid_entries_are_refused_with_the_reason(session, rules, item, points, message):
    f.department(session, "市发改委", tier=1)
    with pytest.raises(ManualEntryError, match=message):
        add_entry(
            session,
            rules,
            department="市发改委",
            item_key=item,
            period="2012",
            points=points,
            reason="r",
            entered_by="王芳",
        )
