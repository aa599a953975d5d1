"""Analyst entries (人工评分): points for the sub-items a crawler cannot measure.

Three kinds, all kept in ``manual_scores`` and never updated in place (a correction is a new
row, so the log shows who changed what and why):

- ``score``: the points of a sub-item for a period; never on a sub-item the crawl computes
  (:func:`computed_subitems`), whose points an analyst adjusts but never replaces (an override
  stored before this rule still applies, and the board shows it);
- ``adjustment``: points added to an automated sub-item's computed value (may be negative),
  e.g. for the portal's links and online 公示/听证/调查 activity; the result stays within
  [0, the sub-item's maximum];
- ``suggestion``: one confirmed improvement suggestion or major error report (note 3),
  ``points_each`` unless given, summed over the year to date and capped by the rules.

For ``score`` and ``adjustment`` the latest entry per (unit, sub-item, period) wins, and an
entry applies to a report whose period label is exactly its period (``2012-03``, ``2012Q1``,
``2012``). An entry for a period that has not begun is a typing error and is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.attribution import UnknownDepartmentError, find_department
from db.models import Department, ManualScore, utcnow
from db.models.base import values
from db.models.scores import EntryKind
from scoring.assessment.periods import (
    Period,
    PeriodError,
    month_start,
    parse_period,
    shanghai_midnight,
)
from scoring.rules import Rules

KINDS = tuple(values(EntryKind))
CSV_COLUMNS = ("department", "item_key", "period", "kind", "points", "reason", "entered_by")


class ManualEntryError(ValueError):
    """An entry that cannot be accepted; the message says which and why."""


class ComputedSubitemError(ManualEntryError):
    """A ``score`` on a sub-item the crawl computes: an adjustment with a reason is entered."""

    def __init__(self, item_key: str, name: str) -> None:
        self.item_key, self.name = item_key, name
        super().__init__(
            f"{item_key} ({name}) is computed from the crawl: "
            "enter an adjustment with a reason instead"
        )


class PeriodNotBegunError(ManualEntryError):
    """An entry for a period that begins after now (Asia/Shanghai)."""

    def __init__(self, period: str) -> None:
        self.period = period
        super().__init__(f"{period} has not begun: no entry for it yet")


def computed_subitems(rules: Rules) -> frozenset[str]:
    """The sub-items the crawl computes: an analyst adjusts them, never replaces them."""
    return frozenset((rules.portal.subitem, rules.disclosure.subitem))


def not_begun(period: Period, now: dt.datetime) -> bool:
    """Whether ``period`` begins after ``now`` (an entry for it is a typing error)."""
    return shanghai_midnight(month_start(period.months[0])) > now


@dataclass(frozen=True)
class SuggestionCredit:
    count: int
    raw_points: Decimal
    points: Decimal  # after the cap


def add_entry(
    session: Session,
    rules: Rules,
    *,
    department: str,
    item_key: str,
    period: str,
    points: str | Decimal | None,
    reason: str,
    entered_by: str,
    kind: str = "score",
    now: dt.datetime | None = None,
) -> ManualScore:
    """Validate one entry against the rules (as of ``now``, by default the clock) and store it.

    The one home of what an entry may be: the command line, the CSV import and the console all
    store entries through here.
    """
    try:
        unit = find_department(session, department)
    except UnknownDepartmentError as error:
        raise ManualEntryError(str(error)) from error
    if kind not in KINDS:
        raise ManualEntryError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    try:
        parsed = parse_period(period)
    except PeriodError as error:
        raise ManualEntryError(str(error)) from error
    if not_begun(parsed, now or utcnow()):
        raise PeriodNotBegunError(period)
    if not reason.strip():
        raise ManualEntryError("a reason is required")
    if not entered_by.strip():
        raise ManualEntryError("entered_by (who enters it) is required")
    value = _points(points, kind, rules)
    _check_item(unit, item_key, kind, value, rules)
    entry = ManualScore(
        department_id=unit.id,
        item_key=item_key,
        period=period,
        kind=kind,
        points=value,
        reason=reason.strip(),
        entered_by=entered_by.strip(),
    )
    session.add(entry)
    session.flush()
    return entry


def _points(points: str | Decimal | None, kind: str, rules: Rules) -> Decimal:
    if points is None or str(points).strip() == "":
        if kind == "suggestion":
            return rules.suggestions.points_each
        raise ManualEntryError("points are required")
    try:
        value = Decimal(str(points).strip())
    except InvalidOperation:
        raise ManualEntryError(f"points must be a number, got {points!r}") from None
    if not value.is_finite():
        raise ManualEntryError(f"points must be a number, got {points!r}")
    return value


def _check_item(unit: Department, item_key: str, kind: str, value: Decimal, rules: Rules) -> None:
    rubric = rules.rubric_for(unit.kind)
    if kind == "suggestion":
        if unit.kind != "department" or item_key != rules.suggestions.item:
            raise ManualEntryError(
                f"a suggestion is credited to {rules.suggestions.item!r} of a department"
            )
        if value <= 0:
            raise ManualEntryError("a suggestion's points must be positive")
        return
    try:
        sub = rubric.subitem(item_key)
    except KeyError:
        raise ManualEntryError(
            f"no sub-item {item_key!r} in rubric {rubric.key} ({unit.short_name} is a {unit.kind})"
        ) from None
    if kind == "score" and item_key in computed_subitems(rules):
        raise ComputedSubitemError(item_key, sub.name)
    if kind == "score" and not Decimal(0) <= value <= sub.points:
        raise ManualEntryError(f"{item_key} ({sub.name}) takes 0 to {sub.points} points")
    if kind == "adjustment" and abs(value) > sub.points:
        raise ManualEntryError(f"an adjustment to {item_key} is at most ±{sub.points}")


def import_csv(session: Session, rules: Rules, path: Path, entered_by: str | None = None) -> int:
    """Import every row of ``path`` or none: an error names the line and stops the import."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        required = {"department", "item_key", "period", "points", "reason"}
        missing = required - set(reader.fieldnames or ())
        if missing:
            raise ManualEntryError(f"{path}: missing columns: {', '.join(sorted(missing))}")
        count = 0
        for line, row in enumerate(reader, start=2):
            try:
                add_entry(
                    session,
                    rules,
                    department=(row.get("department") or "").strip(),
                    item_key=(row.get("item_key") or "").strip(),
                    period=(row.get("period") or "").strip(),
                    points=row.get("points"),
                    reason=row.get("reason") or "",
                    entered_by=(row.get("entered_by") or entered_by or ""),
                    kind=(row.get("kind") or "score").strip(),
                )
            except ManualEntryError as error:
                raise ManualEntryError(f"{path}:{line}: {error}") from None
            count += 1
    return count


def latest_entries(
    session: Session, period: str, department_ids: Iterable[int] | None = None
) -> dict[tuple[int, str, str], ManualScore]:
    """The entry in force per (unit, item key, kind) for a period: the latest one."""
    latest = (
        select(func.max(ManualScore.id))
        .where(
            ManualScore.period == period,
            ManualScore.kind.in_((EntryKind.SCORE, EntryKind.ADJUSTMENT)),
        )
        .group_by(ManualScore.department_id, ManualScore.item_key, ManualScore.kind)
    )
    query = select(ManualScore).where(ManualScore.id.in_(latest))
    if department_ids is not None:
        query = query.where(ManualScore.department_id.in_(list(department_ids)))
    return {(e.department_id, e.item_key, e.kind): e for e in session.scalars(query)}


def suggestion_credits(
    session: Session, rules: Rules, period: Period
) -> dict[int, SuggestionCredit]:
    """Note 3 per department: confirmed suggestions of the year to date, capped."""
    ytd = parse_period(str(period.year))
    ytd_months = set(period.year_to_date())
    rows = session.execute(
        select(ManualScore.department_id, ManualScore.period, ManualScore.points).where(
            ManualScore.kind == "suggestion",
            ManualScore.item_key == rules.suggestions.item,
            ManualScore.period.like(f"{period.year}%"),
        )
    )
    totals: dict[int, tuple[int, Decimal]] = {}
    for department_id, label, points in rows:
        try:
            months = set(parse_period(label).months)
        except PeriodError:
            continue
        # a suggestion dated to the whole year counts only in the annual assessment
        if not months <= ytd_months or (label == ytd.label and period.kind != "annual"):
            continue
        count, total = totals.get(department_id, (0, Decimal(0)))
        totals[department_id] = (count + 1, total + Decimal(points))
    return {
        dept: SuggestionCredit(count, total, min(total, rules.suggestions.cap))
        for dept, (count, total) in totals.items()
    }
