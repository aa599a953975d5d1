"""Ranking with shared ranks for ties, and prizes counted from the rules."""

from __future__ import annotations

from decimal import Decimal

from scoring.assessment.ranking import prize_for, shared_ranks
from scoring.rules import Prizes

D = Decimal


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    assert shared_ranks([D("90"), D("95"), D("95"), D("80")]) == [3, 1, 1, 4]


def test_totals_equal_as_published_to_two_decimals_tie():
    assert shared_ranks([D("89.995"), D("90.00"), D("89.994")]) == [1, 1, 3]


def test_prizes_follow_cumulative_counts():
    prizes = Prizes(first=3, second=6, third=9)
    assert [prize_for(r, prizes) for r in (1, 3, 4, 9, 10, 18, 19)] == [
        "一等奖",
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        None,
    ]


def test_tie_at_a_prize_boundary_gives_every_tied_unit_the_better_prize():
    ranks = shared_ranks([D(99), D(98), D(97), D(97), D(96)])
    prizes = Prizes(first=3, second=1, third=0)
    assert ranks == [1, 2, 3, 3, 5]
    assert [prize_for(r, prizes) for r in ranks] == ["一等奖", "一等奖", "一等奖", "一等奖", None]
