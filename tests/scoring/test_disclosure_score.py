"""The disclosure sub-score (部门文件主动公开, 12 points) from the verdict counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from scoring.assessment.assess import assess
from scoring.assessment.periods import parse_month
from tests.scoring import factories as f

D = dt.date


def _score(session, rules, unit):
    """The unit's disclosure score of March 2012 (the year to date), as ``assess()`` gives it."""
    cutoff = dt.datetime.now(dt.UTC)
    return assess(session, rules, parse_month("2012-03"), cutoff).unit(unit.id).disclosure


def _scenario(session):
    platform = f.site(session, "disclosure")
    unit = f.department(session, "市发改委", tier=1)
    f.document(
        session,
        unit,
        platform=platform,
        signed_on=D(2012, 3, 1),
        published_on=D(2012, 3, 8),
        number=1,
    )
    f.document(
        session,
        unit,
        platform=platform,
        signed_on=D(2012, 3, 2),
        published_on=D(2012, 3, 2),
        number=2,
    )
    f.document(
        session,
        unit,
        platform=platform,
        signed_on=D(2012, 3, 5),
        published_on=D(2012, 3, 13),
        number=3,
    )
    f.document(session, unit, platform=platform, signed_on=None, published_on=D(2012, 3, 20))
    f.signed(session, unit, 4, D(2012, 3, 6))
    f.signed(session, unit, 5, D(2012, 3, 7), explained=True)
    return unit


def test_on_time_share_counts_registered_unpublished_documents(session, rules):
    unit = _scenario(session)
    score = _score(session, rules, unit)
    # lag 5 is on time (the 5th working day), lag 6 is one day late
    assert (score.on_time, score.late, score.missing, score.explained, score.undated) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert score.denominator == 4
    assert score.points == Decimal(6)  # 12 × 2 / 4


def test_published_only_denominator_ignores_missing_documents(session, rules):
    unit = _scenario(session)
    published_only = dataclasses.replace(
        rules, disclosure=dataclasses.replace(rules.disclosure, denominator="published_only")
    )
    score = _score(session, published_only, unit)
    assert score.points == Decimal(8)  # 12 × 2 / 3


def test_department_without_documents_is_not_assessable_not_zero(session, rules):
    unit = f.department(session, "市档案局", tier=3)
    score = _score(session, rules, unit)
    assert score.denominator == 0
    assert score.points is None
