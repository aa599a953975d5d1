"""The report commands as a user runs them: what they print, write and store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import FetchedPage, ScoreRun
from scoring.cli import cli
from tests.scoring import factories as f
from tests.scoring import scenario


@pytest.fixture
def city(database_url: str) -> dict[str, object]:
    built = scenario.build(database_url)
    built["url"] = database_url
    return built


def invoke(city, *args: str):
    runner = CliRunner()
    result = runner.invoke(cli, list(args), env={"EGOV_DATABASE_URL": city["url"]})
    return result


def _rows(report: dict, key: str, by: str | None = None) -> dict[str, dict]:
    """The rows of one section keyed by a column (default: the first)."""
    section = next(s for s in report["sections"] if s["key"] == key)
    by = by or section["columns"][0][0]
    return {row[by]: row for row in section["rows"]}


def test_monthly_report_prints_posts_quota_documents_and_both_subscores(city):
    result = invoke(
        city,
        "monthly-report",
        "--month",
        "2012-03",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = _rows(report, "departments")
    ndrc = rows["市发改委"]
    assert (ndrc["quota"], ndrc["posts"], ndrc["shortfall"], ndrc["ytd_posts"]) == (12, 6, 6, 30)
    assert (ndrc["documents_published"], ndrc["documents_late"]) == (2, 1)
    assert (ndrc["portal_points"], ndrc["disclosure_points"]) == (6.67, 6.0)
    assert rows["市统计局"]["portal_points"] == 8.0
    assert rows["市统计局"]["disclosure_points"] is None
    assert (rows["驻京联络处"]["posts"], rows["驻京联络处"]["shortfall"]) == (0, 2)
    summary = _rows(report, "summary")
    assert (summary[1]["below_quota"], summary[1]["names"]) == (1, "市发改委")
    assert (summary[2]["below_quota"], summary[3]["names"]) == (0, "驻京联络处")
    late = _rows(report, "late_documents")
    assert late["市发改委"]["working_days_late"] == 2
    assert late["市发改委"]["url"] == city["late"].url
    assert "stored as score run" in result.stderr


def test_stored_run_reprints_exactly_and_a_rerun_with_the_cutoff_reproduces_it(city):
    first = invoke(
        city,
        "monthly-report",
        "--month",
        "2012-03",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        "json",
    )
    engine = make_engine(city["url"])
    with session_scope(engine) as session:
        run = session.scalars(select(ScoreRun)).one()
        assert (run.kind, run.period, len(run.rules_version)) == ("monthly", "2012-03", 64)
        assert (run.provisional, run.final) == (False, False)
        assert 0 < len(run.report) < len(first.stdout.encode())  # one compressed document
        # a post that appears later, backdated into March, must not change the published run
        portal = session.scalars(select(FetchedPage)).first()
        assert portal is not None
        from db.models import Department, Site

        site = session.scalars(select(Site).where(Site.kind == "portal")).one()
        ndrc = session.scalars(select(Department).where(Department.short_name == "市发改委")).one()
        f.post(
            session,
            ndrc,
            f.shanghai(2012, 3, 30),
            portal=site,
            first_seen_at=f.shanghai(2012, 4, 20),
            backdated=True,
        )
        run_id = run.id
    engine.dispose()
    reprint = invoke(city, "runs", "show", str(run_id), "--format", "json")
    assert reprint.stdout == first.stdout
    again = invoke(
        city,
        "monthly-report",
        "--month",
        "2012-03",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        "json",
    )
    rows_first = _rows(json.loads(first.stdout), "departments")
    rows_again = _rows(json.loads(again.stdout), "departments")
    assert rows_again == rows_first
    later = invoke(
        city, "monthly-report", "--month", "2012-03", "--cutoff", "2012-04-30", "--format", "json"
    )
    ndrc = _rows(json.loads(later.stdout), "departments")["市发改委"]
    assert (ndrc["posts"], ndrc["backdated"]) == (7, 1)
    listing = invoke(city, "runs", "list", "--format", "csv")
    assert listing.stdout.count("\n") == 4  # header + 3 runs


def test_incomplete_month_is_printed_as_incomplete_not_as_zero(city):
    engine = make_engine(city["url"])
    with session_scope(engine) as session:
        from db.models import Site

        site = session.scalars(select(Site).where(Site.kind == "portal")).one()
        f.run(session, site, f.shanghai(2012, 3, 15, 3), status="failed", healthy=False)
    engine.dispose()
    result = invoke(city, "monthly-report", "--month", "2012-03", "--cutoff", scenario.CUTOFF)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if x.startswith("驻京联络处"))
    # posts 0, flagged; shortfall: no number at all, only the flag
    assert line.split()[3:5] == ["0", "(INCOMPLETE)"]
    assert line.split()[5] == "INCOMPLETE"
    assert "incomplete: sx-portal run" in line
    # January and February still give 市发改委 full credit: March is left out, not zero
    ndrc = next(x for x in result.stdout.splitlines() if x.startswith("市发改委"))
    assert "8.00" in ndrc


def test_explain_lists_each_post_and_document_with_url_and_stored_page(city):
    result = invoke(
        city, "explain", "--department", "市发改委", "--month", "2012-03", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    posts = _rows(report, "posts", by="url")
    assert len(posts) == 7
    twice = posts[city["twice"].canonical_url]
    assert twice["counted"] == "duplicate"
    assert len(twice["page_sha256"]) == 64
    assert sum(row["counted"] == "yes" for row in posts.values()) == 6
    documents = next(s for s in report["sections"] if s["key"] == "documents")["rows"]
    late = next(d for d in documents if d["status"] == "late")
    assert (late["url"], late["working_days_late"]) == (city["late"].url, 2)
    assert late["page_id"] == city["late"].page_id
    meta = dict(report["meta"])
    assert meta["门户网站得分 portal sub-score"].endswith(
        "= 6.67 (YTD posts 30 / threshold 300; credit proportional, incomplete months exclude)"
    )


def test_quarterly_bulletin_writes_xlsx_with_chinese_headers_frozen_rows_and_widths(
    city, tmp_path: Path
):
    target = tmp_path / "q1.xlsx"
    result = invoke(
        city, "quarterly-bulletin", "--quarter", "2012Q1", "--format", "xlsx", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames[0] == "报告信息"
    ranking = book[
        next(n for n in book.sheetnames if n.startswith("排名 Ranking") and "市级部门" in n)
    ]
    assert ranking["A1"].value == "名次 rank [暂定 PROVISIONAL]"  # nothing entered yet
    assert ranking.freeze_panes == "A2"
    assert ranking.column_dimensions["B"].width >= 10
    units = [ranking.cell(row=r, column=2).value for r in range(2, 5)]
    assert sorted(units) == ["市发改委", "市统计局", "驻京联络处"]
    assert all(book[name].freeze_panes == "A2" for name in book.sheetnames)


def test_annual_ranks_with_manual_entries_and_prints_html_without_outside_requests(
    city, tmp_path: Path
):
    entries = tmp_path / "scores.csv"
    entries.write_text(
        "department,item_key,period,points,reason,entered_by\n"
        "市统计局,a2.network.security,2012,8,安全检查无问题,王芳\n"
        "驻京联络处,a2.network.security,2012,8,安全检查无问题,王芳\n",
        encoding="utf-8",
    )
    imported = invoke(city, "manual", "import", str(entries))
    assert imported.exit_code == 0, imported.output
    assert "imported 2 entries" in imported.stdout
    target = tmp_path / "2012.html"
    result = invoke(
        city,
        "annual",
        "--year",
        "2012",
        "--cutoff",
        "2013-01-10",
        "--format",
        "html",
        "-o",
        str(target),
    )
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert "<svg" in html and "市发改委" in html
    for outside in ("src=", "href=", "url(", "@import", "<script", "<link"):
        assert outside not in html
    run_id = result.stderr.split("stored as score run ", 1)[1].split()[0]
    as_json = json.loads(invoke(city, "runs", "show", run_id, "--format", "json").stdout)
    ranking = _rows(as_json, "ranking_department", by="unit")
    # 市统计局: 8 (portal) + 8 (security) = 16 / 100; 驻京联络处: (0 + 8) × 100 / 98 = 8.16
    assert (ranking["市统计局"]["total"], ranking["市统计局"]["rank"]) == (16.0, 1)
    assert ranking["驻京联络处"]["total"] == 8.16
    assert ranking["驻京联络处"]["out_of"] == 98.0
    # every other sub-item is still unentered: the ranking is provisional and awards nothing
    assert as_json["provisional"] is True
    assert ranking["市统计局"]["prize"] is None
    # not entered: 100 − portal 8 − security 8, the disclosure 12 included (no documents)
    assert ranking["市统计局"]["pending_points"] == 84.0
    assert "暂定 PROVISIONAL" in html


def test_user_mistakes_are_one_line_errors(city):
    bad_month = invoke(city, "monthly-report", "--month", "2012-13")
    assert bad_month.exit_code == 2  # a value the option does not take: a command-line mistake
    assert (
        bad_month.stderr.strip() == "Error: not a month: '2012-13' (expected YYYY-MM, e.g. 2012-03)"
    )
    unknown = invoke(city, "explain", "--department", "市不存在局", "--month", "2012-03")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "Error: no department or county named '市不存在局'"
    bad_entry = invoke(
        city,
        "manual",
        "add",
        "--department",
        "市发改委",
        "--item",
        "a2.portal.duty",
        "--period",
        "2012",
        "--points",
        "3",
        "--reason",
        "x",
        "--by",
        "王芳",
    )
    assert bad_entry.exit_code == 1
    assert "takes 0 to 2 points" in bad_entry.stderr
    xlsx_to_terminal = invoke(city, "monthly-report", "--month", "2012-03", "--format", "xlsx")
    assert xlsx_to_terminal.exit_code == 2
    assert "give -o FILE" in xlsx_to_terminal.stderr


def test_manual_adjustment_is_shown_in_the_bulletin_and_logged(city):
    added = invoke(
        city,
        "manual",
        "add",
        "--department",
        "市发改委",
        "--item",
        "a2.portal.site",
        "--period",
        "2012Q1",
        "--kind",
        "adjustment",
        "--points",
        "-0.5",
        "--reason",
        "门户链接未整合",
        "--by",
        "王芳",
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("entry 1: 市发改委 a2.portal.site 2012Q1 adjustment -0.5")
    log = invoke(city, "manual", "list", "--format", "json")
    assert json.loads(log.stdout)[0]["reason"] == "门户链接未整合"
    bulletin = invoke(
        city,
        "quarterly-bulletin",
        "--quarter",
        "2012Q1",
        "--cutoff",
        scenario.CUTOFF,
        "--format",
        "json",
    )
    report = json.loads(bulletin.stdout)
    site = next(
        row
        for row in next(s for s in report["sections"] if s["key"] == "subitems_department")["rows"]
        if row["unit"] == "市发改委" and row["subitem"] == "a2.portal.site"
    )
    # computed 6.67 (see the scenario) − 0.5
    assert (site["computed"], site["adjustment"], site["points"]) == (6.67, -0.5, 6.17)
    assert (site["source"], site["entries"]) == ("crawler+adjustment", "1")
    # 文号 10 and 12 published, 11 missing: a candidate for review, not a score
    gaps = _rows(report, "gap_candidates", by="doc_number")
    assert gaps["绍发改〔2012〕11号"]["department"] == "市发改委"


def test_month_in_progress_shows_the_posts_stored_so_far_flagged_incomplete(city):
    """A report asked for mid-month counts what is there and says the month is not over."""
    result = invoke(
        city, "monthly-report", "--month", "2012-03", "--cutoff", "2012-03-20", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    rows = _rows(report, "departments")
    assert (rows["市发改委"]["posts"], rows["市发改委"]["shortfall"]) == (6, None)
    assert (rows["市统计局"]["posts"], rows["市统计局"]["shortfall"]) == (5, None)
    section = next(s for s in report["sections"] if s["key"] == "departments")
    assert section["flags"] == {"posts": "INCOMPLETE", "shortfall": "INCOMPLETE"}
    summary = _rows(report, "summary")
    assert (summary[1]["below_quota"], summary[1]["names"]) == (None, None)


def _manual_add(city, item: str, period: str, kind: str = "score"):
    return invoke(
        city,
        "manual",
        "add",
        "--department",
        "市发改委",
        "--item",
        item,
        "--period",
        period,
        "--kind",
        kind,
        "--points",
        "1",
        "--reason",
        "核查",
        "--by",
        "王芳",
    )


@pytest.mark.parametrize(
    ("item", "name"),
    [("a2.portal.site", "门户网站"), ("a2.disclosure.documents", "部门文件主动公开")],
)
def test_a_score_on_a_sub_item_the_crawl_computes_is_refused_on_the_command_line(
    city, item: str, name: str
):
    refused = _manual_add(city, item, "2012")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (
        f"Error: {item} ({name}) is computed from the crawl: "
        "enter an adjustment with a reason instead"
    )
    assert json.loads(invoke(city, "manual", "list", "--format", "json").stdout) == []
    adjusted = _manual_add(city, item, "2012", kind="adjustment")
    assert adjusted.exit_code == 0, adjusted.output


def test_an_imported_score_on_a_computed_sub_item_refuses_the_whole_file(city, tmp_path: Path):
    entries = tmp_path / "scores.csv"
    entries.write_text(
        "department,item_key,period,points,reason,entered_by\n"
        "市统计局,a2.network.security,2012,8,安全检查无问题,王芳\n"
        "市统计局,a2.portal.site,2012,1,门户核查,王芳\n",
        encoding="utf-8",
    )
    refused = invoke(city, "manual", "import", str(entries))
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"Error: {entries}:3: a2.portal.site (")
    assert "enter an adjustment with a reason instead" in refused.stderr
    assert json.loads(invoke(city, "manual", "list", "--format", "json").stdout) == []


def test_an_entry_for_a_period_not_begun_is_refused_on_the_command_line(city):
    refused = _manual_add(city, "a2.portal.duty", "2031-01")
    assert refused.exit_code == 1
    assert refused.stderr.strip() == "Error: 2031-01 has not begun: no entry for it yet"
    assert json.loads(invoke(city, "manual", "list", "--format", "json").stdout) == []
