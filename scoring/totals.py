"""A unit's total over the whole rubric, with exemptions rescaled (Annex 2, note 1).

Each sub-item's points come from, in order: an analyst's ``score`` entry for the period; else
the crawler's value (portal, disclosure) where the sub-item is measured by crawler; then an
analyst's ``adjustment`` is added, keeping the result within [0, maximum]. A sub-item marked
※ or ▲ for a unit with the matching flag is exempt. Note 3's suggestions are added to their
item's column (above its maximum when ``exceeds_item_maximum``). Then

    total = sum of points × normalise_to / (rubric total − exempt points)

so a liaison office (※ 网上值班 2 points exempt) is scored out of 98. A sub-item with no value
(not entered, or not assessable) adds 0 and is listed in ``missing``: the total is provisional
until it is entered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, ManualScore
from scoring.coverage import MonthCoverage
from scoring.disclosure_score import DisclosureScore, disclosure_scores
from scoring.manual import SuggestionCredit, latest_entries, suggestion_credits
from scoring.periods import Period
from scoring.portal_score import PortalScore, portal_scores
from scoring.rules import Rules

ZERO = Decimal(0)
FLAG_COLUMNS = {
    "liaison_office": "is_liaison_office",
    "financial_institution": "is_financial_institution",
    "city_enterprise": "is_city_enterprise",
    "no_approval_items": "has_no_approval_items",
}


@dataclass(frozen=True)
class SubItemPoints:
    key: str
    item_key: str
    max_points: Decimal
    points: Decimal | None
    source: str  # crawler, manual, override, exempt, not entered, not assessable
    computed: Decimal | None = None
    adjustment: Decimal | None = None
    entry_ids: tuple[int, ...] = ()


@dataclass
class UnitTotal:
    department_id: int
    short_name: str
    kind: str
    tier: int | None
    subitems: list[SubItemPoints]
    items: dict[str, Decimal]
    suggestion: SuggestionCredit | None
    exempt_points: Decimal
    raw: Decimal
    total: Decimal
    out_of: Decimal
    missing: list[str] = field(default_factory=list)
    portal: PortalScore | None = None
    disclosure: DisclosureScore | None = None


def unit_flags(unit: Department) -> dict[str, bool]:
    """The rules' flag names for a unit's exemption columns."""
    return {flag: bool(getattr(unit, column)) for flag, column in FLAG_COLUMNS.items()}


def compute_totals(
    session: Session,
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    kind: str,
    portal_coverage: dict[str, MonthCoverage],
) -> list[UnitTotal]:
    """Score every unit of ``kind`` (department or county) for ``period``."""
    units = list(session.scalars(select(Department).where(Department.kind == kind)))
    portal: dict[int, PortalScore] = {}
    disclosure: dict[int, DisclosureScore] = {}
    suggestions: dict[int, SuggestionCredit] = {}
    if kind == "department":
        portal = portal_scores(session, rules, period, cutoff, portal_coverage)
        disclosure = disclosure_scores(
            session, rules, dt.date(period.year, 1, 1), period.last_day, cutoff
        )
        suggestions = suggestion_credits(session, rules, period)
    entries = latest_entries(session, period.label)
    return [
        unit_total(
            rules,
            unit,
            entries,
            portal.get(unit.id),
            disclosure.get(unit.id),
            suggestions.get(unit.id),
        )
        for unit in units
    ]


def unit_total(
    rules: Rules,
    unit: Department,
    entries: dict[tuple[int, str, str], ManualScore],
    portal: PortalScore | None,
    disclosure: DisclosureScore | None,
    suggestion: SuggestionCredit | None,
) -> UnitTotal:
    """Combine automated values, analyst entries and exemptions into one unit's total."""
    rubric = rules.rubric_for(unit.kind)
    exempt = rules.exempt_markers(unit_flags(unit))
    computed_values: dict[str, Decimal | None] = {}
    if unit.kind == "department":
        computed_values[rules.portal.subitem] = portal.points if portal else None
        computed_values[rules.disclosure.subitem] = disclosure.points if disclosure else None
    subitems = []
    for sub in rubric.subitems():
        item_key = rubric.item_of(sub.key).key
        if sub.marker in exempt:
            subitems.append(SubItemPoints(sub.key, item_key, sub.points, None, "exempt"))
            continue
        score = entries.get((unit.id, sub.key, "score"))
        adjustment = entries.get((unit.id, sub.key, "adjustment"))
        automated = sub.key in computed_values
        computed = computed_values.get(sub.key)
        if score is not None:
            base, source = Decimal(score.points), "override" if automated else "manual"
        elif automated and computed is not None:
            base, source = computed, "crawler"
        else:
            base, source = None, "not assessable" if automated else "not entered"
        points = base
        if base is not None and adjustment is not None:
            points = min(sub.points, max(ZERO, base + Decimal(adjustment.points)))
            source += "+adjustment"
        ids = tuple(e.id for e in (score, adjustment) if e is not None)
        subitems.append(
            SubItemPoints(
                sub.key,
                item_key,
                sub.points,
                points,
                source,
                computed,
                Decimal(adjustment.points) if adjustment is not None else None,
                ids,
            )
        )
    items = {item.key: ZERO for item in rubric.items}
    for sub in subitems:
        items[sub.item_key] += sub.points or ZERO
    if suggestion is not None and rules.suggestions.item in items:
        with_bonus = items[rules.suggestions.item] + suggestion.points
        if not rules.suggestions.exceeds_item_maximum:
            maximum = next(i.points for i in rubric.items if i.key == rules.suggestions.item)
            with_bonus = min(maximum, with_bonus)
        items[rules.suggestions.item] = with_bonus
    exempt_points = sum((s.max_points for s in subitems if s.source == "exempt"), ZERO)
    raw = sum(items.values(), ZERO)
    out_of = rubric.total - exempt_points
    total = raw * rules.normalise_to / out_of if out_of else ZERO
    return UnitTotal(
        department_id=unit.id,
        short_name=unit.short_name,
        kind=unit.kind,
        tier=unit.tier,
        subitems=subitems,
        items=items,
        suggestion=suggestion,
        exempt_points=exempt_points,
        raw=raw,
        total=total,
        out_of=out_of,
        missing=[s.key for s in subitems if s.points is None and s.source != "exempt"],
        portal=portal,
        disclosure=disclosure,
    )
