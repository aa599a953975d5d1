"""Each indicator's rule at its edges: thresholds, confirmation, freshness, "not provable"."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import (
    CrawlColumnResult,
    CrawlRun,
    LinkCheck,
    LinkCheckRun,
    PortalPost,
    ProbeResult,
    Site,
    SiteColumn,
)
from scoring.inspection.annual_report import annual_report_indicator
from scoring.inspection.columns import column_states
from scoring.inspection.links import link_findings, link_indicators
from scoring.inspection.reachability import (
    Probe,
    home_update_indicator,
    unreachable_indicator,
    window_probes,
)
from scoring.inspection.verdict import InspectionDay
from scoring.rules.national import load_national_rules
from tests.scoring.factories import page, shanghai

RULES = load_national_rules()


def day(value: dt.date) -> InspectionDay:
    return InspectionDay(value, RULES.evidence_max_age_days)


def probe(hours: int, status: int | None = 200, seconds: float = 0.1, kind: str | None = None):
    at = shanghai(2019, 3, 14, 0) + dt.timedelta(hours=hours)
    verdict = "ok"
    if kind in ("blocked", "robots", "refused_redirect"):
        verdict = "not counted"
    elif status is None or status >= 400:
        verdict = "failed"
    elif seconds >= 15:
        verdict = "slow"
    return Probe("home", "http://x/", at, status, seconds, kind, kind, verdict)


@pytest.mark.parametrize(
    ("bad", "total", "value", "status"),
    [
        (2, 40, "5.00% (2/40)", "veto"),  # reaching the threshold is a veto
        (1, 30, "3.33% (1/30)", "warning"),
        (1, 40, "2.50% (1/40)", "ok"),
        (0, 27, "0.00% (0/27)", "not provable"),  # fewer than min_probes
    ],
)
def test_unreachable_share_against_threshold_and_warning_level(bad, total, value, status):
    probes = [probe(h, 503) for h in range(bad)] + [probe(h) for h in range(bad, total)]
    result = unreachable_indicator(RULES, probes)
    assert (result.value, result.status) == (value, status)


def test_slow_loads_count_and_anti_bot_challenges_do_not():
    probes = [probe(0, 200, 15.0), probe(1, None, kind="blocked")]
    probes += [probe(h) for h in range(2, 30)]
    result = unreachable_indicator(RULES, probes)
    assert result.value == "3.45% (1/29)"  # 30 probes, the blocked one left out
    assert "slow: 2019-03-14 00:00 HTTP 200, 15.0s" in result.evidence
    assert "1 probes not counted" in result.evidence


def _site(session, key: str = "sx-test") -> Site:
    site = Site(key=key, name="测试网站", kind="portal", base_url="http://test.example/")
    session.add(site)
    session.flush()
    return site


def _column(session, site: Site, key: str, category: str | None, list_kind: str = "generic"):
    column = SiteColumn(
        site_id=site.id,
        key=key,
        name=key,
        list_kind=list_kind,
        url=f"{site.base_url}col/{key}/index.html",
        category=category,
    )
    session.add(column)
    session.flush()
    return column


def _walk(session, site: Site, finished: dt.datetime, results: list[tuple]) -> CrawlRun:
    run = CrawlRun(
        site_id=site.id,
        spider="portal",
        started_at=finished - dt.timedelta(minutes=5),
        finished_at=finished,
        status="finished",
        healthy=True,
        stats={},
    )
    session.add(run)
    session.flush()
    for column, items, newest in results:
        session.add(
            CrawlColumnResult(
                crawl_run_id=run.id,
                column_id=column.id,
                status="complete",
                items_seen=items,
                newest_seen=newest,
            )
        )
    session.flush()
    return run


def test_home_page_age_veto_at_14_days_and_not_provable_from_an_old_probe(session):
    site = _site(session)
    session.add(
        ProbeResult(
            site_id=site.id,
            target="home",
            url="http://test.example/",
            probed_at=shanghai(2019, 3, 20, 9),
            http_status=200,
            latency_seconds=0.2,
            newest_item_on=dt.date(2019, 3, 6),
        )
    )
    session.flush()
    fresh = home_update_indicator(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    assert (fresh.value, fresh.status) == ("14 days", "veto")
    old = home_update_indicator(session, RULES, site.id, day(dt.date(2019, 3, 24)))
    assert old.status == "not provable" and "more than 3 days before 2019-03-24" in old.evidence


def test_the_probe_window_is_the_seven_days_ending_with_the_inspection_day(session):
    site = _site(session)
    for when in (shanghai(2019, 3, 13, 23), shanghai(2019, 3, 14, 0), shanghai(2019, 3, 21, 0)):
        session.add(
            ProbeResult(site_id=site.id, target="home", url="u", probed_at=when, http_status=200)
        )
    session.flush()
    probes = window_probes(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    assert [p.probed_at for p in probes] == [shanghai(2019, 3, 14, 0)]


def test_a_column_walked_too_long_ago_is_not_provable_and_blank_needs_a_working_parser(session):
    site = _site(session)
    old = _column(session, site, "old", "dynamic")
    empty = _column(session, site, "empty", "dynamic", list_kind="trs")
    fine = _column(session, site, "fine", "dynamic")
    _walk(session, site, shanghai(2019, 3, 10), [(old, 3, dt.date(2019, 3, 9))])
    _walk(
        session,
        site,
        shanghai(2019, 3, 19),
        [(empty, 0, None), (fine, 2, dt.date(2019, 3, 18))],
    )
    for column in (empty, fine):
        page(session, column.url).fetched_at = shanghai(2019, 3, 19)
    session.flush()
    states = {s.key: s for s in column_states(session, RULES, site.id, day(dt.date(2019, 3, 20)))}
    assert states["old"].status == "not provable"
    assert "more than 3 days before 2019-03-20" in states["old"].reason
    # No other trs list showed items in that walk: a parser fault is not ruled out.
    assert states["empty"].status == "not provable" and "parser fault" in states["empty"].reason
    assert states["fine"].status == "ok" and states["fine"].list_page_url == fine.url


def _check(session, run: LinkCheckRun, url: str, outcome: str, at: dt.datetime) -> None:
    session.add(
        LinkCheck(
            run_id=run.id,
            site_id=run.site_id,
            url=url,
            kind="page",
            internal=True,
            on_home=True,
            found_on="http://test.example/",
            checked_at=at,
            http_status=404 if outcome == "failed" else 200,
            outcome=outcome,
        )
    )


@pytest.mark.parametrize(
    ("history", "status"),
    [
        (["failed", "failed"], "broken"),
        (["failed", "ok", "failed"], "awaiting confirmation"),  # a success breaks the run
        (["failed", "skipped", "failed"], "broken"),  # an unchecked day neither breaks it
        (["ok", "failed"], "awaiting confirmation"),
    ],
)
def test_a_link_is_broken_only_after_failing_on_checks_a_day_apart(session, history, status):
    site = _site(session)
    start = shanghai(2019, 3, 20, 10) - dt.timedelta(days=len(history) - 1)
    for n, outcome in enumerate(history):
        at = start + dt.timedelta(days=n)
        run = LinkCheckRun(
            site_id=site.id, started_at=at, finished_at=at, status="finished", stats={}
        )
        session.add(run)
        session.flush()
        _check(session, run, "http://test.example/a.html", outcome, at)
    session.flush()
    report = link_findings(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    assert [f.status for f in report.findings] == [status]
    home = link_indicators(RULES, report)[0]
    assert home.status == ("deduction" if status == "broken" else "warning")


def test_two_failures_hours_apart_are_not_yet_a_broken_link(session):
    site = _site(session)
    for hours in (0, 10):
        at = shanghai(2019, 3, 20, 0) + dt.timedelta(hours=hours)
        run = LinkCheckRun(
            site_id=site.id, started_at=at, finished_at=at, status="finished", stats={}
        )
        session.add(run)
        session.flush()
        _check(session, run, "http://test.example/a.html", "failed", at)
    session.flush()
    report = link_findings(session, RULES, site.id, day(dt.date(2019, 3, 20)))
    assert [f.status for f in report.findings] == ["awaiting confirmation"]


def _report_post(session, site: Site, column: SiteColumn, title: str, on: dt.date) -> None:
    url = f"{site.base_url}art/{title}.html"
    session.add(
        PortalPost(
            site_id=site.id,
            canonical_url=url,
            title=title,
            published_at=shanghai(on.year, on.month, on.day),
            published_month=f"{on:%Y-%m}",
            column_id=column.id,
            identity_key=title,
            first_seen_at=shanghai(on.year, on.month, on.day, 20),
            last_seen_at=shanghai(on.year, on.month, on.day, 20),
            page_id=page(session, url).id,
        )
    )
    session.flush()


@pytest.mark.parametrize(
    ("report_on", "inspected", "value", "status"),
    [
        (dt.date(2019, 1, 20), dt.date(2019, 2, 11), "published 2019-01-20", "ok"),
        (dt.date(2019, 2, 5), dt.date(2019, 2, 11), "published late 2019-02-05", "deduction"),
        (None, dt.date(2019, 2, 11), "not published", "deduction"),
        (None, dt.date(2019, 1, 25), "not yet published", "warning"),
        (None, dt.date(2019, 1, 10), "not yet published", "ok"),
    ],
)
def test_the_annual_report_is_due_by_31_january(session, report_on, inspected, value, status):
    site = _site(session)
    column = _column(session, site, "nb", "annual_report")
    if report_on is not None:
        _report_post(session, site, column, "2018年政府信息公开工作年度报告", report_on)
    _report_post(session, site, column, "2017年政府信息公开工作年度报告", dt.date(2018, 1, 9))
    walked = shanghai(inspected.year, inspected.month, inspected.day, 2)
    _walk(session, site, walked, [(column, 2, report_on or dt.date(2018, 1, 9))])
    when = day(inspected)
    states = column_states(session, RULES, site.id, when)
    result = annual_report_indicator(session, RULES, site.id, states, when)
    assert (result.value, result.status) == (value, status)


def test_a_missing_annual_report_without_a_recent_walk_is_not_provable(session):
    site = _site(session)
    column = _column(session, site, "nb", "annual_report")
    _walk(session, site, shanghai(2019, 1, 30, 2), [(column, 1, dt.date(2018, 1, 9))])
    when = day(dt.date(2019, 2, 11))
    states = column_states(session, RULES, site.id, when)
    result = annual_report_indicator(session, RULES, site.id, states, when)
    assert result.status == "not provable"


def test_a_column_without_a_complete_walk_says_what_its_latest_walk_met(session):
    site = _site(session)
    timed_out = _column(session, site, "slow", "dynamic")
    _column(session, site, "never", "dynamic")
    run = _walk(session, site, shanghai(2019, 3, 19), [(timed_out, 3, dt.date(2019, 3, 18))])
    [result] = run.column_results
    result.status, result.message = "partial", "2 list pages timed out after 10 s"
    session.flush()
    states = {s.key: s for s in column_states(session, RULES, site.id, day(dt.date(2019, 3, 20)))}
    assert states["slow"].status == "not provable"
    assert "was partial: 2 list pages timed out after 10 s" in states["slow"].reason
    assert "no complete walk" not in states["slow"].reason
    assert states["never"].reason == "the column was never walked by 2019-03-20"
