"""Ranking (排名) by total with shared ranks for ties, and the prizes (一/二/三等奖).

Totals are compared as published, rounded to two decimals (ROUND_HALF_UP). Equal totals share
a rank and the next rank skips (1, 2, 2, 4: ``ties = shared_rank``). Prize counts come from the
rules file and are cumulative by rank: with 3 first and 6 second prizes, ranks 1-3 take first
prize and ranks 4-9 second; a tie at a boundary takes the better prize, so a prize may go to
more units than its count, never fewer to a better total.

A ranking is **provisional** (暂定) while any unit has an assessed sub-item without points: its
totals would still rise. A provisional ranking awards no prize unless the rules file says
``ranking.provisional_prizes = true``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.assessment.totals import UnitTotal
from scoring.rules import Prizes, Rules

CENT = Decimal("0.01")
PRIZE_NAMES = ("一等奖", "二等奖", "三等奖")


def published(value: Decimal | None) -> Decimal | None:
    """Round to the two decimals that a report prints."""
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def shared_ranks(totals: Sequence[Decimal]) -> list[int]:
    """Rank each total (highest first) in the input order; ties share the better rank."""
    rounded = [published(t) for t in totals]
    ordered = sorted(rounded, reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [first_position[value] for value in rounded]


def prize_for(rank: int, prizes: Prizes) -> str | None:
    """The prize a rank earns, or None."""
    limit = 0
    for name, count in zip(PRIZE_NAMES, (prizes.first, prizes.second, prizes.third), strict=True):
        limit += count
        if rank <= limit:
            return name
    return None


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    unit: UnitTotal
    prize: str | None


@dataclass(frozen=True)
class Ranking:
    """The units of one kind (department or county) in rank order, with their prizes."""

    kind: str
    entries: tuple[RankedUnit, ...]
    provisional: bool  # some unit still has an assessed sub-item without points
    prizes_awarded: bool

    @property
    def pending_units(self) -> tuple[UnitTotal, ...]:
        return tuple(entry.unit for entry in self.entries if entry.unit.missing)


def rank_units(rules: Rules, kind: str, totals: Sequence[UnitTotal]) -> Ranking:
    """Rank ``totals`` (shared ranks), then award prizes unless the ranking is provisional."""
    ranks = shared_ranks([unit.total for unit in totals])
    ordered = sorted(zip(ranks, totals, strict=True), key=lambda p: (p[0], p[1].short_name))
    provisional = any(unit.missing for unit in totals)
    awarded = not provisional or rules.provisional_prizes
    entries = tuple(
        RankedUnit(rank, unit, prize_for(rank, rules.prizes[kind]) if awarded else None)
        for rank, unit in ordered
    )
    return Ranking(kind, entries, provisional, awarded)
