"""The national rules file is data, validated strictly, with one-line errors naming the key."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.rules import RulesError
from scoring.rules.national import DEFAULT_NATIONAL_RULES_FILE, load_national_rules

BUNDLED = DEFAULT_NATIONAL_RULES_FILE.read_text(encoding="utf-8")


def test_bundled_rules_hold_the_national_thresholds_and_warning_levels():
    rules = load_national_rules()
    assert rules.document_number == "国办秘函〔2019〕19号"
    assert rules.site_unreachable.threshold == Decimal("0.05")
    assert rules.site_unreachable.slow_seconds == 15
    assert rules.site_unreachable.window_days == 7
    assert (rules.home_not_updated.threshold, rules.home_not_updated.warn_at) == (14, 10)
    assert rules.stale_columns.categories == ("dynamic", "notice", "policy")
    assert (rules.stale_columns.threshold, rules.long_unupdated_columns.threshold) == (5, 10)
    assert (rules.blank_columns.threshold, rules.blank_columns.warn_at) == (5, 3)
    dynamic, notice = rules.categories["dynamic"], rules.categories["notice"]
    assert dynamic.update_within.after(dt.date(2019, 3, 1)) == dt.date(2019, 3, 15)
    assert notice.update_within.after(dt.date(2019, 8, 31)) == dt.date(2020, 2, 29)
    assert rules.categories["static"].update_within is None
    assert rules.annual_report.deadline_in(2019) == dt.date(2019, 1, 31)
    assert rules.annual_report.is_report_title("2018年度政府信息公开工作报告", 2018)
    assert not rules.annual_report.is_report_title("2017年政府信息公开工作年度报告", 2018)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "threshold = 5\nwarn_at = 3\n\n[indicator.long",
            "threshold = 5\nwarn_at = 7\n\n[indicator.long",
            "indicator › stale_columns › warn_at: expected a number below the threshold (5), got 7",
        ),
        (
            'update_within = "2w"',
            'update_within = "two weeks"',
            "category › dynamic › update_within: expected a period like 14d, 2w, 6m or 1y, "
            "or \"none\", got 'two weeks'",
        ),
        (
            'warn_after = "10d"',
            'warn_after = "3w"',
            "category › dynamic › warn_after: expected a period shorter than 2w, got 3w",
        ),
        (
            'categories = ["dynamic", "notice", "policy"]',
            'categories = ["dynamic", "news"]',
            "indicator › stale_columns › categories: unknown category 'news' (defined: dynamic,",
        ),
        (
            "slow_seconds = 15",
            "slow_second = 15",
            "indicator › site_unreachable: unknown key 'slow_second' (expected one of:",
        ),
        (
            'deadline = "01-31"',
            'deadline = "31-01"',
            "indicator › annual_report › deadline: expected a month and day written MM-DD",
        ),
        (
            "[indicator.home_not_updated]",
            "[indicator.home_not_refreshed]",
            "indicator: unknown indicator 'home_not_refreshed' (expected: site_unreachable,",
        ),
        (
            "confirm_after_hours = 20",
            'confirm_after_hours = "a day"',
            "links › confirm_after_hours: expected a number >= 0, got 'a day'",
        ),
    ],
)
def test_a_mistake_is_one_line_naming_the_file_and_key_path(tmp_path: Path, old, new, message):
    assert old in BUNDLED
    path = tmp_path / "national.toml"
    path.write_text(BUNDLED.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as raised:
        load_national_rules(path)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(f"{path}: {message}")


def test_validate_command_accepts_the_bundled_file_and_rejects_a_broken_one(tmp_path: Path):
    good = CliRunner().invoke(cli, ["inspection-rules", "validate"])
    assert good.exit_code == 0 and "valid (7 categories, 10 indicators)" in good.output
    path = tmp_path / "bad.toml"
    path.write_text(BUNDLED.replace("min_probes = 28", "min_probes = 0"), encoding="utf-8")
    bad = CliRunner().invoke(cli, ["inspection-rules", "validate", str(path)])
    assert bad.exit_code == 1
    assert bad.output.strip() == (
        f"Error: {path}: indicator › site_unreachable › min_probes: expected a positive "
        "integer, got 0"
    )


def test_show_lists_every_level_in_force():
    result = CliRunner().invoke(cli, ["inspection-rules", "show", "--format", "csv"])
    assert result.exit_code == 0
    assert 'indicator.blank_columns,"veto at 5, warning at 3' in result.output
    assert "links.confirm_after_hours,20" in result.output


def test_a_rules_file_written_before_the_wording_check_reads_its_bundled_defaults(tmp_path: Path):
    """An older national rules file has no [indicator.serious_errors]: it still loads."""
    table = BUNDLED.index("[indicator.serious_errors]")
    end = BUNDLED.index("\n[", table + 1) + 1
    older = tmp_path / "older.toml"
    older.write_text(BUNDLED[:table] + BUNDLED[end:], encoding="utf-8")
    assert "serious_errors" not in older.read_text(encoding="utf-8")
    bundled = load_national_rules(DEFAULT_NATIONAL_RULES_FILE)
    assert load_national_rules(older).serious_errors == bundled.serious_errors
