"""The assessment rules of one year, as typed, immutable values.

Points are :class:`~decimal.Decimal` so that sums such as 0.5 + 0.5 + 8 are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

TIERS = (1, 2, 3)
DEFAULT_BACKDATING_MARGIN_DAYS = 7  # policy default: a week, as the crawler-era rule had it
UNIT_FLAGS = ("liaison_office", "financial_institution", "city_enterprise", "no_approval_items")


@dataclass(frozen=True)
class Criterion:
    """One 考核指标 of a sub-item that the notice scores separately."""

    requirement: str
    points: Decimal


@dataclass(frozen=True)
class SubItem:
    """A 子项: the unit of scoring; ``marker`` is ※ or ▲ when some units are exempt from it."""

    key: str
    name: str
    points: Decimal
    requirement: str
    criteria: tuple[Criterion, ...]
    marker: str | None
    measured: str  # crawler, partial or manual


@dataclass(frozen=True)
class Item:
    """A 项目 of a rubric, e.g. 政府门户网站工作."""

    key: str
    name: str
    points: Decimal
    subitems: tuple[SubItem, ...]


@dataclass(frozen=True)
class Rubric:
    """One annex: the county rubric (Annex 1) or the department rubric (Annex 2)."""

    key: str
    name: str
    applies_to: str  # county or department
    total: Decimal
    items: tuple[Item, ...]

    def subitems(self) -> tuple[SubItem, ...]:
        return tuple(sub for item in self.items for sub in item.subitems)

    def subitem(self, key: str) -> SubItem:
        return self._subitems_by_key()[key][0]

    def subitems_with_items(self) -> tuple[tuple[SubItem, str], ...]:
        """Every sub-item with its item's key, in rubric order."""
        found = self.__dict__.get("_with_items")
        if found is None:
            found = tuple((sub, item.key) for item in self.items for sub in item.subitems)
            object.__setattr__(self, "_with_items", found)
        return found

    def _subitems_by_key(self) -> dict[str, tuple[SubItem, Item]]:
        """Sub-item key -> (sub-item, its item); built once (scoring 2,000 units asks often)."""
        found = self.__dict__.get("_by_key")
        if found is None:
            found = {sub.key: (sub, item) for item in self.items for sub in item.subitems}
            object.__setattr__(self, "_by_key", found)
        return found


@dataclass(frozen=True)
class ExemptionClass:
    """Units with any of ``flags`` are not assessed on sub-items marked ``marker``."""

    marker: str
    flags: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class PortalPolicy:
    subitem: str
    monthly_quota: dict[int, int]
    annual_threshold: dict[int, int]
    annual_bonus_points: Decimal
    month_of: str
    duplicates: str
    month_credit: str  # proportional or all_or_nothing
    subitem_score: str
    incomplete_months: str  # exclude or include
    # 倒填日期: a walk that ran more than this many days after a post's claimed time, reached
    # back past it and did not list it proves the post backdated (scoring.assessment.backdating)
    backdating_margin_days: int = DEFAULT_BACKDATING_MARGIN_DAYS

    @property
    def backdating_margin(self) -> dt.timedelta:
        return dt.timedelta(days=self.backdating_margin_days)


@dataclass(frozen=True)
class SuggestionPolicy:
    item: str
    points_each: Decimal
    cap: Decimal
    exceeds_item_maximum: bool


@dataclass(frozen=True)
class DisclosurePolicy:
    subitem: str
    limit_working_days: int
    calendar: str
    day_zero: str
    non_working_signing: str
    denominator: str
    undated: str
    gap_candidates: str


@dataclass(frozen=True)
class Prizes:
    first: int
    second: int
    third: int


@dataclass(frozen=True)
class Rules:
    """Everything the scoring needs from one rules file."""

    path: Path
    version: str  # sha256 of the file's bytes: stored with every score run
    title: str
    document_number: str
    year: int
    published_on: dt.date
    timezone: str
    rubrics: tuple[Rubric, ...]
    exemptions: tuple[ExemptionClass, ...]
    normalise_to: Decimal
    portal: PortalPolicy
    suggestions: SuggestionPolicy
    disclosure: DisclosurePolicy
    ties: str
    prizes: dict[str, Prizes]
    provisional_prizes: bool = False  # award prizes while sub-items are still missing
    answer_working_days: int = 5  # 整改: working days a department has to answer a finding

    def rubric_for(self, unit_kind: str) -> Rubric:
        """Return the rubric that applies to ``unit_kind`` (department or county)."""
        for rubric in self.rubrics:
            if rubric.applies_to == unit_kind:
                return rubric
        raise KeyError(unit_kind)

    def exempt_markers(self, flags: dict[str, bool]) -> frozenset[str]:
        """Markers whose sub-items are not assessed for a unit with these flags."""
        known = self.__dict__.setdefault("_exempt_by_flags", {})  # few combinations, many units
        key = tuple(sorted(flags.items()))
        if key not in known:
            known[key] = frozenset(
                exemption.marker
                for exemption in self.exemptions
                if any(flags.get(flag, False) for flag in exemption.flags)
            )
        return known[key]

    def policy_defaults(self) -> list[tuple[str, str]]:
        """The choices the notice leaves open, as (setting, value) pairs for reports."""
        p, s, d = self.portal, self.suggestions, self.disclosure
        return [
            ("portal.month_of", p.month_of),
            ("portal.duplicates", p.duplicates),
            ("portal.month_credit", p.month_credit),
            ("portal.subitem_score", p.subitem_score),
            ("portal.incomplete_months", p.incomplete_months),
            ("portal.backdating_margin_days", str(p.backdating_margin_days)),
            ("suggestions.exceeds_item_maximum", str(s.exceeds_item_maximum).lower()),
            ("disclosure.day_zero", d.day_zero),
            ("disclosure.non_working_signing", d.non_working_signing),
            ("disclosure.denominator", d.denominator),
            ("disclosure.undated", d.undated),
            ("disclosure.gap_candidates", d.gap_candidates),
            ("ranking.ties", self.ties),
            ("ranking.provisional_prizes", str(self.provisional_prizes).lower()),
            ("rectification.answer_working_days", str(self.answer_working_days)),
            *(
                (f"prizes.{kind}", f"{pz.first}/{pz.second}/{pz.third}")
                for kind, pz in sorted(self.prizes.items())
            ),
        ]
