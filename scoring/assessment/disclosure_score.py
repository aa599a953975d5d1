"""The disclosure sub-score (部门文件主动公开, 12 points): documents disclosed on time.

The counting is :func:`scoring.assessment.disclosure_checks.judge_disclosure`'s (one SQL aggregate
over documents signed in the period, run by ``assess()``); this module turns counts into points per
the rules file:

    points = 12 × on_time / denominator

``denominator = published_plus_unexplained_missing`` (default): on-time + late published
documents + registered documents neither published nor explained (``missing``);
``published_only``: on-time + late. Undated documents (no 成文日期) are left out
(``undated = exclude``, default), or count as on time / late; so are documents whose dates
the working-day calendar does not cover yet (``no_calendar``). No document at all: the
sub-item cannot be assessed (``points`` is None) and reports say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.rules import Rules


@dataclass(frozen=True)
class DisclosureScore:
    department_id: int
    published: int
    on_time: int
    late: int
    missing: int
    explained: int
    undated: int
    no_calendar: int
    numerator: int
    denominator: int
    max_points: Decimal
    points: Decimal | None


def score_counts(department_id: int, counts: Any, rules: Rules) -> DisclosureScore:
    """Apply the rules' policy to one department's counts."""
    policy = rules.disclosure
    max_points = rules.rubric_for("department").subitem(policy.subitem).points
    numerator = counts.on_time
    denominator = counts.on_time + counts.late
    if policy.denominator == "published_plus_unexplained_missing":
        denominator += counts.missing
    not_judged = counts.undated + counts.no_calendar
    if policy.undated == "on_time":
        numerator += not_judged
        denominator += not_judged
    elif policy.undated == "late":
        denominator += not_judged
    points = max_points * numerator / denominator if denominator else None
    return DisclosureScore(
        department_id=department_id,
        published=counts.published,
        on_time=counts.on_time,
        late=counts.late,
        missing=counts.missing,
        explained=counts.explained,
        undated=counts.undated,
        no_calendar=counts.no_calendar,
        numerator=numerator,
        denominator=denominator,
        max_points=max_points,
        points=points,
    )
