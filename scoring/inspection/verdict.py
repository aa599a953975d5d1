"""An indicator's result and how its status follows from its value and the rules' levels.

Statuses: ``ok``; ``warning`` (the pre-warning level 预警线 reached); ``veto`` (单项否决) or
``deduction`` (扣分), the indicator's kind, once the threshold is reached; ``not provable``
when the evidence is missing, too old, or could change the outcome.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from scoring.assessment.periods import SHANGHAI, shanghai_midnight

OK, WARNING, NOT_PROVABLE = "ok", "warning", "not provable"


@dataclass(frozen=True)
class Indicator:
    """One indicator as of the inspection day, with the evidence behind its status."""

    key: str
    name: str
    kind: str  # veto or deduction
    value: str  # as printed
    threshold: str
    warn_at: str
    status: str
    evidence: str
    points: Decimal | None = None  # deduction points, when the status is a deduction
    unproven: str = ""  # what could not be proved, and why (printed per indicator)


def judge(
    value: Decimal | int,
    threshold: Decimal,
    warn_at: Decimal,
    kind: str,
    *,
    unknown: int = 0,
    warning_value: Decimal | int | None = None,
) -> str:
    """The status of ``value`` (``unknown`` items could not be judged).

    The kind's status once ``value`` reaches ``threshold``; ``not provable`` when the unknown
    items could make it reach it; ``warning`` once ``warning_value`` (``value`` by default)
    reaches ``warn_at``; else ``ok``.
    """
    if value >= threshold:
        return kind
    if unknown and value + unknown >= threshold:
        return NOT_PROVABLE
    if (value if warning_value is None else warning_value) >= warn_at:
        return WARNING
    return OK


def number(value: Decimal) -> str:
    """A level as printed: ``5``, ``0.05``."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class InspectionDay:
    """The day inspected and what counts as evidence for it.

    ``first_day`` starts the period inspected (a week, a month, a quarter) when one is given:
    the indicators are judged as of ``day``, its last day; what is counted over time (wording
    hits) is counted from ``first_day``.
    """

    day: dt.date
    max_age_days: int
    first_day: dt.date | None = None

    @property
    def start(self) -> dt.datetime | None:
        """Evidence stored from this instant counts toward the period (None: no period)."""
        return None if self.first_day is None else shanghai_midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """Evidence stored before this instant (the end of the day in Asia/Shanghai) counts."""
        return shanghai_midnight(self.day + dt.timedelta(days=1))

    def fresh(self, moment: dt.datetime | None) -> bool:
        """Whether evidence taken at ``moment`` is recent enough to speak for the day."""
        if moment is None:
            return False
        return (self.day - local_date(moment)).days <= self.max_age_days


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def local_time(moment: dt.datetime | None) -> str:
    """``2019-03-20 09:00`` in Asia/Shanghai; ``-`` for no time at all."""
    return "-" if moment is None else f"{moment.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
