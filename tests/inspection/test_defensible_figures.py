"""Figures a reviewer can defend: nothing judged is never "ok", one finding counted once, and
a count with links left unchecked says it is a floor."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from db.models import LinkCheck, LinkCheckRun
from scoring.cli import cli
from scoring.inspection.columns import column_indicators, column_states
from scoring.inspection.links import link_findings, link_indicators
from scoring.inspection.period import period_days
from tests.inspection.test_indicator_rules import RULES, _column, _site, _walk, day
from tests.scoring.factories import shanghai


def test_a_profile_without_categories_is_not_provable_never_ok(session):
    site = _site(session)
    columns = [_column(session, site, key, None) for key in ("a", "b")]
    _walk(session, site, shanghai(2019, 3, 19), [(c, 0, None) for c in columns])
    states = column_states(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    found = {i.key: i for i in column_indicators(RULES, states)}
    assert {i.status for i in found.values()} == {"not provable"}
    assert {i.value for i in found.values()} == {"-"}
    assert "2 columns have no category (a, b)" in found["stale_columns"].unproven


def test_a_year_old_annual_report_column_is_judged_by_the_annual_report_alone(session):
    site = _site(session)
    report = _column(session, site, "nb", "annual_report")
    news = _column(session, site, "news", "dynamic")
    walked = [(report, 1, dt.date(2017, 1, 20)), (news, 3, dt.date(2019, 3, 18))]
    _walk(session, site, shanghai(2019, 3, 19), walked)
    states = column_states(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    found = {i.key: i for i in column_indicators(RULES, states)}
    assert found["long_unupdated_columns"].value == "0"
    assert found["columns_past_period"].value == "0"
    assert "nb" not in found["columns_past_period"].evidence


def _run_with(session, site, outcomes: list[tuple[str, str]]) -> None:
    for back in (1, 0):
        at = shanghai(2019, 3, 20 - back, 10)
        run = LinkCheckRun(
            site_id=site.id, started_at=at, finished_at=at, status="finished", stats={}
        )
        session.add(run)
        session.flush()
        for url, outcome in outcomes:
            session.add(
                LinkCheck(
                    run_id=run.id,
                    site_id=site.id,
                    url=url,
                    kind="attachment",
                    internal=True,
                    on_home=False,
                    found_on="http://test.example/col/a/",
                    checked_at=at,
                    http_status=404 if outcome == "failed" else None,
                    error_kind="limit" if outcome == "skipped" else None,
                    error="per-host limit reached" if outcome == "skipped" else None,
                    outcome=outcome,
                )
            )
    session.flush()


def test_links_not_checked_make_the_count_a_floor(session):
    site = _site(session)
    _run_with(
        session,
        site,
        [("http://test.example/gone.pdf", "failed")]
        + [(f"http://test.example/{n}.pdf", "skipped") for n in range(3)],
    )
    other = link_indicators(
        RULES, link_findings(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    )[1]
    assert other.value == "at least 1 broken; 3 not checked"
    assert other.status == "deduction"
    assert "3 links on other pages not checked (limit: 3)" in other.unproven


def test_unchecked_links_that_could_reach_the_threshold_leave_it_not_provable(session):
    site = _site(session)
    _run_with(session, site, [("http://test.example/x.pdf", "skipped")])
    other = link_indicators(
        RULES, link_findings(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    )[1]
    assert (other.value, other.status) == ("at least 0 broken; 1 not checked", "not provable")


def test_periods_are_a_week_a_month_or_a_quarter():
    assert period_days("2019-W12") == (dt.date(2019, 3, 18), dt.date(2019, 3, 24))
    assert period_days("2019-03") == (dt.date(2019, 3, 1), dt.date(2019, 3, 31))
    assert period_days("2019Q1") == (dt.date(2019, 1, 1), dt.date(2019, 3, 31))


def test_a_bad_period_is_one_line(sqlite_url, monkeypatch):
    monkeypatch.setenv("EGOV_DATABASE_URL", sqlite_url)
    result = CliRunner().invoke(cli, ["inspection", "--site", "x", "--period", "2019-13"])
    assert result.exit_code != 0
    assert result.output.strip().startswith("Error: not a period: '2019-13'")
    both = CliRunner().invoke(
        cli, ["inspection", "--site", "x", "--to", "2019-03-01", "--date", "2019-03-01"]
    )
    assert "give one" in both.output
