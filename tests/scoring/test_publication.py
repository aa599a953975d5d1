"""Publishing: provisional rankings award nothing, --final refuses until complete, runs re-print.

The small city of :mod:`tests.scoring.scenario`, through the real command line.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.models import Department, ManualScore, ScoreRun
from scoring.assessment.assess import assess
from scoring.assessment.periods import parse_year
from scoring.cli import cli
from scoring.entries.manual import computed_subitems
from scoring.rules import DEFAULT_RULES_FILE, load_rules
from tests.scoring import scenario

EXEMPT_FOR_LIAISON = "※"


@pytest.fixture
def city(database_url: str) -> str:
    scenario.build(database_url)
    return database_url


def invoke(url: str, *args: str):
    return CliRunner().invoke(cli, list(args), env={"EGOV_DATABASE_URL": url})


def _stored_run(result) -> str:
    return result.stderr.split("stored as score run ", 1)[1].split()[0]


def _ranking(report: dict) -> dict[str, dict]:
    section = next(s for s in report["sections"] if s["key"] == "ranking_department")
    return {row["unit"]: row for row in section["rows"]}


def _enter_everything(url: str, tmp_path: Path) -> None:
    """An entry for every assessed sub-item of every unit (the automated ones included).

    The sub-items the crawl computes take no ``score`` entry any more: their points are
    overrides stored before that rule, which the assessment still applies.
    """
    rules = load_rules(DEFAULT_RULES_FILE)
    computed = computed_subitems(rules)
    lines = ["department,item_key,period,points,reason,entered_by"]
    overrides: list[tuple[str, str, object]] = []
    units = {"市发改委": "department", "市统计局": "department", "驻京联络处": "department"}
    units["越城区"] = "county"
    for unit, kind in units.items():
        for sub in rules.rubric_for(kind).subitems():
            if unit == "驻京联络处" and sub.marker == EXEMPT_FOR_LIAISON:
                continue
            points = sub.points if unit != "市统计局" else sub.points / 2
            if sub.key in computed:
                overrides.append((unit, sub.key, points))
                continue
            lines.append(f"{unit},{sub.key},2012,{points},年终检查,王芳")
    path = tmp_path / "entries.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    imported = invoke(url, "manual", "import", str(path))
    assert imported.exit_code == 0, imported.output
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            for unit, key, points in overrides:
                department = session.scalar(select(Department).where(Department.short_name == unit))
                session.add(
                    ManualScore(
                        department_id=department.id,
                        item_key=key,
                        period="2012",
                        kind="score",
                        points=points,
                        reason="年终检查",
                        entered_by="王芳",
                    )
                )
    finally:
        engine.dispose()


def test_provisional_ranking_awards_no_prize_and_every_format_says_so(city, tmp_path: Path):
    result = invoke(city, "annual", "--year", "2012", "--cutoff", "2013-01-10", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "PROVISIONAL ranking: no prize awarded" in result.stderr
    report = json.loads(result.stdout)
    assert report["provisional"] is True
    assert report["title"].startswith("【暂定 PROVISIONAL】")
    ranking = _ranking(report)
    assert [row["prize"] for row in ranking.values()] == [None, None, None]
    section = next(s for s in report["sections"] if s["key"] == "ranking_department")
    assert section["flags"] == {
        "rank": "PROVISIONAL",
        "total": "PROVISIONAL",
        "prize": "PROVISIONAL",
    }
    # the points each unit still waits for: 驻京联络处 is out of 98, its portal points computed
    assert ranking["驻京联络处"]["pending_points"] == 98.0 - 8
    meta = dict(report["meta"])
    assert meta["排名状态 ranking"].startswith("PROVISIONAL (暂定)")

    run_id = _stored_run(result)
    workbook = tmp_path / "2012.xlsx"
    assert (
        invoke(city, "runs", "show", run_id, "--format", "xlsx", "-o", str(workbook)).exit_code == 0
    )
    book = load_workbook(workbook)
    assert book["报告信息"]["A2"].value.startswith("【暂定 PROVISIONAL】")
    sheet = book[
        next(n for n in book.sheetnames if n.startswith("排名 Ranking") and "市级部门" in n)
    ]
    assert sheet["D1"].value == "总分 total (of 100) [暂定 PROVISIONAL]"
    assert sheet["G2"].value in (None, "")  # no prize
    html = invoke(city, "runs", "show", run_id, "--format", "html").stdout
    assert '<p class="provisional">' in html and "总分 total (of 100) [暂定 PROVISIONAL]" in html
    csv_text = invoke(city, "runs", "show", run_id, "--format", "csv").stdout
    assert csv_text.startswith("# 【暂定 PROVISIONAL】")
    table = invoke(city, "runs", "show", run_id).stdout
    assert "(PROVISIONAL)" in table
    with session_scope(make_engine(city)) as session:
        run = session.get(ScoreRun, int(run_id))
        assert (run.provisional, run.final) == (True, False)


def test_final_refuses_with_the_list_of_what_is_missing_and_stores_nothing(city):
    result = invoke(city, "annual", "--year", "2012", "--final")
    assert result.exit_code == 1
    *listed, error = result.stderr.strip().splitlines()
    assert error.startswith("Error: 2012 cannot be published as final: 58 assessed sub-items of 4")
    assert "missing: 市发改委 a2.network.security (网络信息安全, 8 points, not entered)" in listed
    assert (
        "missing: 市统计局 a2.disclosure.documents (部门文件主动公开, 12 points, not assessable)"
        in listed
    )
    assert len(listed) == 58
    assert not any("驻京联络处 a2.portal.duty" in line for line in listed)  # ※ exempt
    with session_scope(make_engine(city)) as session:
        assert session.scalar(select(func.count()).select_from(ScoreRun)) == 0


def test_once_everything_is_entered_the_ranking_is_final_and_awards_prizes(city, tmp_path: Path):
    _enter_everything(city, tmp_path)
    result = invoke(city, "annual", "--year", "2012", "--final", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["provisional"] is False
    assert not report["title"].startswith("【")
    ranking = _ranking(report)
    assert (ranking["市发改委"]["total"], ranking["市发改委"]["prize"]) == (100.0, "一等奖")
    assert ranking["驻京联络处"]["total"] == 100.0  # 98 of 98
    assert (ranking["市统计局"]["total"], ranking["市统计局"]["rank"]) == (50.0, 3)
    assert all(row["pending_points"] == 0.0 for row in ranking.values())
    listing = json.loads(invoke(city, "runs", "list", "--format", "json").stdout)
    assert [run["state"] for run in listing] == ["final"]


def test_a_rules_setting_may_allow_prizes_on_a_provisional_ranking(session, rules, late_cutoff):
    from tests.scoring import factories as f

    f.department(session, "市发改委", tier=1)
    f.department(session, "市统计局", tier=2)
    allowing = dataclasses.replace(rules, provisional_prizes=True)
    period = parse_year("2012")
    strict = assess(session, rules, period, late_cutoff).rankings["department"]
    lenient = assess(session, allowing, period, late_cutoff).rankings["department"]
    assert strict.provisional and lenient.provisional
    assert [e.prize for e in strict.entries] == [None, None]
    assert [e.prize for e in lenient.entries] == ["一等奖", "一等奖"]  # equal totals share a rank


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html", "xlsx"])
def test_a_stored_run_reprints_byte_for_byte_in_every_format(city, tmp_path: Path, fmt: str):
    published = tmp_path / f"published.{fmt}"
    result = invoke(
        city, "quarterly-bulletin", "--quarter", "2012Q1", "--format", fmt, "-o", str(published)
    )
    assert result.exit_code == 0, result.output
    if fmt == "xlsx":
        time.sleep(1.1)  # a workbook stamped with the clock would differ from here on
    reprinted = tmp_path / f"reprinted.{fmt}"
    shown = invoke(city, "runs", "show", _stored_run(result), "--format", fmt, "-o", str(reprinted))
    assert shown.exit_code == 0, shown.output
    assert reprinted.read_bytes() == published.read_bytes()
