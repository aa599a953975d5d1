"""`scoring inspection` on the sample site: every indicator equals the sample's truth."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import delete

from db.engine import make_engine, session_scope
from db.models import ReviewItem, WordingFinding
from samplesites.consultation import SLOW_POINTS
from samplesites.inspection import BROKEN_ELSEWHERE, BROKEN_ON_HOME, COLUMNS, TRUTH
from samplesites.wording import POSTS, post_hits
from scoring.cli import cli
from scoring.inspection.site import inspect_site
from scoring.rules.national import load_national_rules
from tests.inspection.conftest import SITE_KEY

pytestmark = pytest.mark.slow


def _inspection(url, today):
    engine = make_engine(url)
    with session_scope(engine) as session:
        result = inspect_site(session, load_national_rules(), SITE_KEY, today)
    engine.dispose()
    return result


def _truth(servers) -> dict[str, tuple[str, str]]:
    report_day = servers.site.annual_report_items()[0][1]
    return {**TRUTH, "annual_report": (f"published {report_day}", "ok")}


def test_every_indicator_value_and_status_equals_the_sample_truth(sample_week, servers, today):
    inspection = _inspection(sample_week, today)
    found = {i.key: (i.value, i.status) for i in inspection.indicators}
    assert found == _truth(servers)
    points = {i.key: i.points for i in inspection.indicators if i.points is not None}
    assert {key: float(value) for key, value in points.items()} == {
        "broken_links_home": 2.0,
        "broken_links_other": 0.3,
        "columns_past_period": 3.0,
        "interaction_slow_replies": SLOW_POINTS,
    }


def test_the_planted_miswritings_are_the_wording_hits_and_a_confirmed_one_vetoes(
    sample_week, today
):
    inspection = _inspection(sample_week, today)
    found = sorted((urlsplit(h.url).path, h.rule_key, h.found) for h in inspection.wording.hits)
    assert found == sorted(
        (f"/art/dyn-news/{number}.html", rule, form)
        for number, planted in POSTS.items()
        for rule, form in planted.hits
    )
    assert all(h.review == "pending" for h in inspection.wording.hits)
    first = min(h.finding_id for h in inspection.wording.hits)
    env = {"EGOV_DATABASE_URL": sample_week}
    runner = CliRunner()
    confirmed = runner.invoke(
        cli, ["inspection", "findings", "confirm", str(first), "--by", "审核员"], env=env
    )
    assert confirmed.exit_code == 0, confirmed.output
    try:
        vetoed = _inspection(sample_week, today).indicator("serious_errors")
        assert (vetoed.value, vetoed.status) == (f"1 confirmed, {post_hits() - 1} 待复核", "veto")
    finally:  # the other tests of the module read the sample's truth: nothing reviewed
        engine = make_engine(sample_week)
        with session_scope(engine) as session:
            finding = session.get(WordingFinding, first)
            finding.review, finding.reviewed_by, finding.reviewed_at = "pending", None, None
            session.execute(delete(ReviewItem).where(ReviewItem.kind == "wording_hit"))
        engine.dispose()


def test_each_column_has_its_sample_age_and_status(sample_week, servers, today):
    states = {s.key: s for s in _inspection(sample_week, today).columns}
    expected_status = {
        "dyn-news": "ok",
        "dyn-work": "warning",
        "dyn-dept": "stale",
        "dyn-county": "stale",
        "tzgg": "ok",
        "gsgg": "warning",
        "zbgg": "stale",
        "zcwj": "stale",
        "zcjd": "ok",
        "jgzn": "stale",
        "ldxx": "ok",
        "zjdc": "stale",
        "nb": "ok",
        "wsdc": "blank",
        "ldxx-mail": "blank",
        "ztzl": "blank",
        "lxwm": "no period",
    }
    assert {key: s.status for key, s in states.items()} == expected_status
    for column in COLUMNS:
        if column.category == "static":
            continue  # never judged: no walk is read for it
        state = states[column.key]
        newest = max((day for _, day in servers.site.items(column)), default=None)
        assert state.newest_on == newest, column.key
        if newest is not None:
            assert state.age_days == (today - newest).days
            assert state.list_page_url.endswith(f"/col/{column.key}/index.html")
            assert len(state.list_page_sha256) == 64
    assert {key for key, s in states.items() if s.long_unupdated} == {"zcwj", "jgzn", "zjdc"}


def test_only_links_failing_on_two_checks_a_day_apart_are_broken(sample_week, today):
    findings = _inspection(sample_week, today).links.findings
    broken = {(urlsplit(f.url).path, f.on_home) for f in findings if f.status == "broken"}
    assert broken == {(p, True) for p in BROKEN_ON_HOME} | {(p, False) for p in BROKEN_ELSEWHERE}
    awaiting = [f.url for f in findings if f.status == "awaiting confirmation"]
    assert [u.rsplit("/", 1)[1] for u in awaiting] == ["breaks-second-day.html"]
    unchecked = [f for f in findings if f.status == "not checked"]
    assert [f.url.rsplit("/", 2)[1:] for f in unchecked] == [["private", "page.html"]]
    assert all("flaky-first-day" not in f.url for f in findings)  # failed day 1, fine day 2
    kinds = {f.url.rsplit("/", 1)[1]: (f.kind, f.internal) for f in findings}
    assert kinds["missing.pdf"] == ("attachment", True)  # the site's object storage
    assert kinds["banner-missing.png"] == ("image", True)
    assert kinds["gone.html"] == ("page", False)
    refused = next(f for f in findings if f.url.endswith("/dead.html"))
    assert refused.what.startswith("connection:")


def test_link_check_is_polite_head_then_get_and_robots_respected(sample_week, servers):
    external = servers.external.requests
    assert ("HEAD", "/ok.html") in external and ("GET", "/ok.html") not in external
    assert ("HEAD", "/head-refused.html") in external and ("GET", "/head-refused.html") in external
    assert ("GET", "/gone.html") in external  # HEAD said 404: asked again with GET
    assert ("GET", "/robots.txt") in external
    assert not any(path.startswith("/private/") for _, path in external)
    assert servers.external.max_in_flight == 1  # one request at a time per host, slow ones too


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "xlsx", "html"])
def test_inspection_command_prints_every_indicator_in_each_format(
    sample_week, servers, today, tmp_path, fmt
):
    output = tmp_path / f"inspection.{fmt}"
    args = ["inspection", "--site", SITE_KEY, "--date", today.isoformat(), "--format", fmt]
    if fmt == "xlsx":
        args += ["-o", str(output)]
    result = CliRunner().invoke(cli, args, env={"EGOV_DATABASE_URL": sample_week})
    assert result.exit_code == 0, result.output
    truth = _truth(servers)
    if fmt == "json":
        section = next(s for s in json.loads(result.stdout)["sections"] if s["key"] == "indicators")
        rows = {row["indicator"]: (row["value"], row["status"]) for row in section["rows"]}
    elif fmt == "csv":
        lines = list(csv.reader(io.StringIO(result.stdout)))
        start = lines.index(next(line for line in lines if line and "Indicators" in line[0]))
        rows = {line[0]: (line[3], line[6]) for line in lines[start + 2 : start + 2 + len(truth)]}
    elif fmt == "xlsx":
        sheet = load_workbook(output)["检查指标 Indicators"]
        rows = {r[0]: (r[3], r[6]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    elif fmt == "html":
        assert result.stdout.startswith("<!DOCTYPE html>") and "<script" not in result.stdout
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in result.stdout.split("<tr>")]
        rows = {c[0]: (c[3], c[6]) for c in cells if len(c) > 6 and c[0] in truth}
    else:
        lines = result.stdout.splitlines()
        rows = {}
        for key in truth:
            line = next(line for line in lines if line.startswith(key + " "))
            rows[key] = next((v, st) for v, st in [truth[key]] if v in line and f"  {st}  " in line)
    assert rows == truth


def test_inspection_of_an_unknown_site_is_a_one_line_error(sample_week):
    result = CliRunner().invoke(
        cli, ["inspection", "--site", "no-such-site"], env={"EGOV_DATABASE_URL": sample_week}
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no site 'no-such-site' in the evidence database (sites crawled so far: {SITE_KEY})"
    ]
