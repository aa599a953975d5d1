"""The ``scoring`` command line, run as a user runs it, against a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from scoring.rules import DEFAULT_RULES_FILE


def scoring(*args: str, env_dir: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EGOV_VAR_DIR": str(env_dir)}
    env.pop("EGOV_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    scoring("db", "upgrade", env_dir=tmp_path)
    scoring("departments", "import", env_dir=tmp_path)
    return tmp_path


def test_db_upgrade_creates_the_default_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    scoring("db", "upgrade", env_dir=tmp_path)
    assert (tmp_path / "evidence.sqlite").exists()
    import sqlite3

    with sqlite3.connect(tmp_path / "evidence.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_departments_list_json_prints_66_departments_22_18_26(var_dir: Path) -> None:
    rows = json.loads(scoring("departments", "list", "--format", "json", env_dir=var_dir).stdout)
    assert len(rows) == 66
    assert Counter(row["tier"] for row in rows) == {1: 22, 2: 18, 3: 26}


def test_departments_list_csv_and_counties(var_dir: Path) -> None:
    lines = scoring("departments", "list", "--kind", "county", "--format", "csv", env_dir=var_dir)
    assert lines.stdout.splitlines()[0].startswith("short_name,full_name,kind,tier")
    assert len(lines.stdout.splitlines()) == 1 + 6


def test_aliases_add_then_review(var_dir: Path) -> None:
    added = scoring("aliases", "add", "市发改委", "发改委员会", "--by", "王芳", env_dir=var_dir)
    assert "names 市发改委" in added.stdout
    review = scoring("aliases", "review", env_dir=var_dir)
    assert "no names awaiting review" in review.stderr


def test_alias_for_unknown_department_is_a_one_line_error(var_dir: Path) -> None:
    result = scoring(
        "aliases", "add", "市不存在局", "x", "--by", "me", env_dir=var_dir, check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: no department or county named '市不存在局'"


def test_alias_already_naming_another_department_is_refused(var_dir: Path) -> None:
    result = scoring(
        "aliases", "add", "市财政局", "市发改委", "--by", "me", env_dir=var_dir, check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: '市发改委' already names 市发改委"


def test_command_on_a_database_without_schema_says_to_upgrade(tmp_path: Path) -> None:
    result = scoring("departments", "list", env_dir=tmp_path, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "run 'scoring db upgrade' first" in result.stderr


def test_rules_validate_passes_for_2012_and_fails_precisely_for_a_broken_copy(
    tmp_path: Path,
) -> None:
    assert "valid" in scoring("rules", "validate", env_dir=tmp_path).stdout
    broken = tmp_path / "broken.toml"
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace("cap = 1\n", "cap = true\n"), encoding="utf-8")
    result = scoring("rules", "validate", str(broken), env_dir=tmp_path, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {broken}: suggestions › cap: expected a number of points >= 0, got True"
    )


def test_rules_show_prints_quotas_and_policy_defaults(tmp_path: Path) -> None:
    shown = scoring("rules", "show", env_dir=tmp_path).stdout
    assert "Portal quota (posts a month, tier 1/2/3): 12/5/2" in shown
    assert "portal.month_credit = proportional" in shown
    data = json.loads(scoring("rules", "show", "--format", "json", env_dir=tmp_path).stdout)
    assert data["portal"]["monthly_quota"] == {"1": 12, "2": 5, "3": 2}


def test_version_and_short_help(tmp_path: Path) -> None:
    assert "version" in scoring("--version", env_dir=tmp_path).stdout
    assert "Example" in scoring("-h", env_dir=tmp_path).stdout
