"""A unit's total over the whole rubric, with exemptions rescaled (Annex 2, note 1).

Each sub-item's points come from, in order: an analyst's ``score`` entry for the period; else
the crawler's value (portal, disclosure) where the sub-item is measured by crawler; then an
analyst's ``adjustment`` is added, keeping the result within [0, maximum]. A sub-item marked
※ or ▲ for a unit with the matching flag is exempt. Note 3's suggestions are added to their
item's column (above its maximum when ``exceeds_item_maximum``). Then

    total = sum of points × normalise_to / (rubric total − exempt points)

so a liaison office (※ 网上值班 2 points exempt) is scored out of 98. A sub-item with no value
(not entered, or not assessable) adds 0 and is listed in ``missing``, its maximum in
``pending_points``: the total is provisional until it is entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from db.models import ManualScore, UnitKind
from scoring.assessment.disclosure_score import DisclosureScore
from scoring.assessment.portal_score import PortalScore
from scoring.entries.manual import SuggestionCredit
from scoring.rules import Rubric, Rules, SubItem

ZERO = Decimal(0)
FLAG_COLUMNS = {
    "liaison_office": "is_liaison_office",
    "financial_institution": "is_financial_institution",
    "city_enterprise": "is_city_enterprise",
    "no_approval_items": "has_no_approval_items",
}


@dataclass(frozen=True)
class Unit:
    """An assessed unit as the assessment needs it (a department 部门 or a county 县市区)."""

    id: int
    short_name: str
    full_name: str
    kind: str
    tier: int | None
    is_liaison_office: bool = False
    is_financial_institution: bool = False
    is_city_enterprise: bool = False
    has_no_approval_items: bool = False


@dataclass(slots=True)  # 36,000 of them at province scale: no frozen-init cost
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
    pending_points: Decimal = ZERO
    portal: PortalScore | None = None
    disclosure: DisclosureScore | None = None


def unit_flags(unit: Any) -> dict[str, bool]:
    """The rules' flag names for a unit's exemption columns."""
    return {flag: bool(getattr(unit, column)) for flag, column in FLAG_COLUMNS.items()}


def unit_total(
    rules: Rules,
    unit: Unit,
    entries: dict[tuple[int, str, str], ManualScore],
    portal: PortalScore | None,
    disclosure: DisclosureScore | None,
    suggestion: SuggestionCredit | None,
) -> UnitTotal:
    """Combine automated values, analyst entries and exemptions into one unit's total."""
    rubric = rules.rubric_for(unit.kind)
    exempt = rules.exempt_markers(unit_flags(unit))
    computed_values = _computed_values(rules, unit, portal, disclosure)
    subitems = [
        SubItemPoints(sub.key, item_key, sub.points, None, "exempt")
        if sub.marker in exempt
        else _subitem_points(sub, item_key, unit.id, entries, computed_values)
        for sub, item_key in rubric.subitems_with_items()
    ]
    sums = _ItemSums.of(rubric, subitems)
    items = _with_suggestion(rules, rubric, sums.items, suggestion)
    raw = sum(items.values(), ZERO)
    out_of = rubric.total - sums.exempt_points
    total = raw * rules.normalise_to / out_of if out_of else ZERO
    return UnitTotal(
        department_id=unit.id,
        short_name=unit.short_name,
        kind=unit.kind,
        tier=unit.tier,
        subitems=subitems,
        items=items,
        suggestion=suggestion,
        exempt_points=sums.exempt_points,
        raw=raw,
        total=total,
        out_of=out_of,
        missing=sums.missing,
        pending_points=sums.pending_points,
        portal=portal,
        disclosure=disclosure,
    )


def _computed_values(
    rules: Rules, unit: Unit, portal: PortalScore | None, disclosure: DisclosureScore | None
) -> dict[str, Decimal | None]:
    """The sub-items the crawler measures (a department's portal and disclosure): their points."""
    if unit.kind != UnitKind.DEPARTMENT:
        return {}
    return {
        rules.portal.subitem: portal.points if portal else None,
        rules.disclosure.subitem: disclosure.points if disclosure else None,
    }


def _subitem_points(
    sub: SubItem,
    item_key: str,
    unit_id: int,
    entries: dict[tuple[int, str, str], ManualScore],
    computed_values: dict[str, Decimal | None],
) -> SubItemPoints:
    """An analyst's score, else the crawler's value; then an analyst's adjustment, kept in range."""
    score = adjustment = None
    if entries:  # usually empty until analysts start entering: skip 36,000 look-ups
        score = entries.get((unit_id, sub.key, "score"))
        adjustment = entries.get((unit_id, sub.key, "adjustment"))
    automated = sub.key in computed_values
    computed = computed_values.get(sub.key)
    base: Decimal | None
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
    return SubItemPoints(
        sub.key,
        item_key,
        sub.points,
        points,
        source,
        computed,
        Decimal(adjustment.points) if adjustment is not None else None,
        tuple(e.id for e in (score, adjustment) if e is not None),
    )


@dataclass
class _ItemSums:
    items: dict[str, Decimal]
    exempt_points: Decimal = ZERO
    pending_points: Decimal = ZERO
    missing: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, rubric: Rubric, subitems: list[SubItemPoints]) -> _ItemSums:
        """Points per item, exempt points, and the sub-items still without points."""
        sums = cls({item.key: ZERO for item in rubric.items})
        for sub in subitems:  # one pass: 2,000 units × 18 sub-items at province scale
            if sub.points is not None:
                sums.items[sub.item_key] += sub.points
            elif sub.source == "exempt":
                sums.exempt_points += sub.max_points
            else:
                sums.missing.append(sub.key)
                sums.pending_points += sub.max_points
        return sums


def _with_suggestion(
    rules: Rules, rubric: Rubric, items: dict[str, Decimal], suggestion: SuggestionCredit | None
) -> dict[str, Decimal]:
    """Note 3's credit added to its item, within the item's maximum unless the rules allow more."""
    if suggestion is None or rules.suggestions.item not in items:
        return items
    with_bonus = items[rules.suggestions.item] + suggestion.points
    if not rules.suggestions.exceeds_item_maximum:
        maximum = next(i.points for i in rubric.items if i.key == rules.suggestions.item)
        with_bonus = min(maximum, with_bonus)
    items[rules.suggestions.item] = with_bonus
    return items
