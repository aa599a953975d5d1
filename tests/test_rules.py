"""The 2012 rules file encodes both rubrics completely, and broken copies are rejected precisely."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.rules import DEFAULT_RULES_FILE, RulesError, load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules(DEFAULT_RULES_FILE)


def test_each_rubric_sums_to_100_and_each_item_to_its_subitems(rules) -> None:
    for rubric in rules.rubrics:
        assert sum(item.points for item in rubric.items) == 100
        for item in rubric.items:
            assert sum(sub.points for sub in item.subitems) == item.points


def test_department_rubric_items_and_points_are_those_of_annex_2(rules) -> None:
    items = [(i.name, i.points) for i in rules.rubric_for("department").items]
    assert items == [
        ("电子政务统筹管理", 10),
        ("电子政务网络和信息安全工作", 15),
        ("电子政务应用工作", 20),
        ("政府门户网站工作", 15),
        ("政府信息公开工作", 30),
        ("网上政务大厅工作", 10),
    ]
    assert len(rules.rubric_for("department").subitems()) == 17


def test_county_rubric_items_and_points_are_those_of_annex_1(rules) -> None:
    items = [(i.name, i.points) for i in rules.rubric_for("county").items]
    assert items == [
        ("电子政务统筹管理", 15),
        ("电子政务网络运维和安全保障工作", 15),
        ("电子政务应用工作", 20),
        ("政府门户网站工作", 35),
        ("网上政务大厅工作", 15),
    ]
    security = rules.rubric_for("county").subitem("a1.network.security")
    assert [c.points for c in security.criteria] == [5, 4]


def test_markers_quotas_bonus_and_limits(rules) -> None:
    department = rules.rubric_for("department")
    marked = {s.name: s.marker for s in department.subitems() if s.marker}
    assert marked == {"网上值班": "※", "网上审批": "▲", "电子监察": "▲"}
    assert rules.portal.monthly_quota == {1: 12, 2: 5, 3: 2}
    assert rules.portal.annual_threshold == {1: 300, 2: 125, 3: 50}
    assert rules.portal.annual_bonus_points == 1
    assert (rules.suggestions.points_each, rules.suggestions.cap) == (Decimal("0.5"), 1)
    assert rules.disclosure.limit_working_days == 5
    assert department.subitem(rules.portal.subitem).points == 8
    assert department.subitem(rules.disclosure.subitem).points == 12


def test_exempt_markers_follow_the_unit_flags(rules) -> None:
    assert rules.exempt_markers({"liaison_office": True}) == {"※"}
    assert rules.exempt_markers({"city_enterprise": True, "no_approval_items": True}) == {"※", "▲"}
    assert rules.exempt_markers({}) == frozenset()


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('name = "网上值班"\n    points = 2', 'name = "网上值班"\n    points = 3',
         'rubric "a2" › item "a2.portal": sub-items sum to 16, expected 15'),
        ('key = "a1.hall"\n  name = "网上政务大厅工作"\n  points = 15',
         'key = "a1.hall"\n  name = "网上政务大厅工作"\n  points = 16',
         'rubric "a1" › item "a1.hall": sub-items sum to 15, expected 16'),
        ("limit_working_days = 5", 'limit_working_days = "5"',
         "disclosure › limit_working_days: expected an integer, got '5'"),
        ('month_credit = "proportional"', 'month_credit = "sometimes"',
         "portal › month_credit: expected one of 'proportional', 'all_or_nothing', "
         "got 'sometimes'"),
        ('ties = "shared_rank"', 'ties = "shared_rank"\ncolour = "red"',
         "ranking: unknown key 'colour' (expected one of: provisional_prizes, ties)"),
        ("tier1 = 12,", "tier1 = -12,",
         "portal › monthly_quota › tier1: expected a positive integer, got -12"),
        ('marker = "※"\n    requirement', 'marker = "*"\n    requirement',
         "marker: expected one of '※', '▲', got '*'"),
    ],
)  # fmt: skip
def test_broken_copy_is_rejected_naming_file_key_and_expectation(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RulesError) as error:
        load_rules(path)
    assert str(error.value).startswith(f"{path}: ")
    assert str(error.value).endswith(message)


def test_a_later_year_is_a_copy_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "shaoxing-2013.toml"
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("year = 2012", "year = 2013"), encoding="utf-8")
    assert load_rules(path).year == 2013
