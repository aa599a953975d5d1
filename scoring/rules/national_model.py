"""The national inspection indicators (国办秘函〔2019〕19号) as typed, immutable values.

Loaded from ``national-2019.toml`` by :mod:`scoring.rules.national`; every threshold and
pre-warning level (预警线) here came from that file.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from scoring.rules.interaction import InteractionRules

VETO, DEDUCTION = "veto", "deduction"


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Span:
    """A period written ``14d``, ``2w``, ``6m`` or ``1y``: days or calendar months."""

    amount: int
    unit: str  # "d" (days) or "m" (calendar months)
    text: str

    def after(self, day: dt.date) -> dt.date:
        """The day this span after ``day``: a column updated on ``day`` is stale from then."""
        if self.unit == "d":
            return day + dt.timedelta(days=self.amount)
        return add_months(day, self.amount)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Category:
    """A column category (栏目类别) and the update period it implies."""

    key: str
    name: str
    update_within: Span | None  # None: never stale (static pages)
    warn_after: Span | None


@dataclass(frozen=True)
class Level:
    """What every indicator has: its name, its kind, the threshold and the pre-warning level."""

    key: str
    name: str
    kind: str  # veto or deduction
    threshold: Decimal
    warn_at: Decimal


@dataclass(frozen=True)
class UnreachableRule(Level):
    window_days: int
    slow_seconds: float
    min_probes: int


@dataclass(frozen=True)
class ColumnCountRule(Level):
    """An indicator counting columns of some categories (stale, long unupdated, blank, late)."""

    categories: tuple[str, ...]
    after: Span | None = None  # long_unupdated_columns: the age that counts
    points_each: Decimal | None = None


@dataclass(frozen=True)
class LinkRule(Level):
    points_each: Decimal


@dataclass(frozen=True)
class SeriousErrorsRule(Level):
    """严重错误: ``threshold`` confirmed wording hits veto; ``warn_at`` pending ones warn."""


@dataclass(frozen=True)
class AnnualReportRule:
    key: str
    name: str
    kind: str
    category: str
    deadline: tuple[int, int]  # (month, day) in the inspection year
    warn_from: tuple[int, int]
    title_contains: tuple[str, ...]
    title_any: tuple[str, ...]
    points_each: Decimal

    def deadline_in(self, year: int) -> dt.date:
        return dt.date(year, *self.deadline)

    def warn_from_in(self, year: int) -> dt.date:
        return dt.date(year, *self.warn_from)

    def is_report_title(self, title: str, report_year: int) -> bool:
        """Whether ``title`` is the annual report on ``report_year``."""

        def words(texts: tuple[str, ...]) -> list[str]:
            return [text.replace("{year}", str(report_year)) for text in texts]

        return all(w in title for w in words(self.title_contains)) and any(
            w in title for w in words(self.title_any)
        )


@dataclass(frozen=True)
class EarlyWarningPolicy:
    register_working_days_left: int
    column_statuses: tuple[str, ...]


@dataclass(frozen=True)
class NationalRules:
    """Everything the inspection and the early warnings need from the national rules file."""

    path: Path
    version: str  # sha256 of the file's bytes
    title: str
    document_number: str
    year: int
    timezone: str
    evidence_max_age_days: int
    categories: dict[str, Category]
    site_unreachable: UnreachableRule
    home_not_updated: Level
    stale_columns: ColumnCountRule
    long_unupdated_columns: ColumnCountRule
    blank_columns: ColumnCountRule
    columns_past_period: ColumnCountRule
    broken_links_home: LinkRule
    broken_links_other: LinkRule
    annual_report: AnnualReportRule
    serious_errors: SeriousErrorsRule
    link_confirm_hours: float
    early_warnings: EarlyWarningPolicy
    interaction: InteractionRules = field(default_factory=InteractionRules)  # [interaction]

    def policy_rows(self) -> list[tuple[str, str]]:
        """Every setting in force, as (setting, value) pairs for reports."""
        rows = [("evidence.max_age_days", str(self.evidence_max_age_days))]
        for category in self.categories.values():
            period = str(category.update_within or "none")
            warn = f", warn after {category.warn_after}" if category.warn_after else ""
            rows.append((f"category.{category.key}", f"{category.name}: {period}{warn}"))
        u = self.site_unreachable
        rows.append(
            (
                f"indicator.{u.key}",
                f"{_number(u.threshold)} veto, {_number(u.warn_at)} warning over {u.window_days}"
                f" days, slow >= {u.slow_seconds:g}s, at least {u.min_probes} probes",
            )
        )
        for level in (
            self.home_not_updated,
            self.stale_columns,
            self.long_unupdated_columns,
            self.blank_columns,
            self.columns_past_period,
            self.broken_links_home,
            self.broken_links_other,
        ):
            text = f"{level.kind} at {_number(level.threshold)}"
            text += f", warning at {_number(level.warn_at)}"
            if isinstance(level, ColumnCountRule):
                text += f" ({', '.join(level.categories)}"
                text += f"; {level.after} old)" if level.after else ")"
            if getattr(level, "points_each", None) is not None:
                text += f", {_number(level.points_each)} points each"  # type: ignore[attr-defined]
            rows.append((f"indicator.{level.key}", text))
        a = self.annual_report
        rows.append(
            (
                f"indicator.{a.key}",
                f"by {a.deadline[0]:02d}-{a.deadline[1]:02d} in a {a.category} column, warning "
                f"from {a.warn_from[0]:02d}-{a.warn_from[1]:02d}, {_number(a.points_each)} points",
            )
        )
        e = self.serious_errors
        rows.append(
            (
                f"indicator.{e.key}",
                f"{e.kind} at {_number(e.threshold)} confirmed wording hits, warning at "
                f"{_number(e.warn_at)} hits pending review (待复核)",
            )
        )
        rows.append(("links.confirm_after_hours", f"{self.link_confirm_hours:g}"))
        w = self.early_warnings
        days_left = str(w.register_working_days_left)
        rows.append(("early_warnings.register_working_days_left", days_left))
        rows.append(("early_warnings.column_statuses", ", ".join(w.column_statuses)))
        rows.extend(self.interaction.policy_rows())
        return rows


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")
