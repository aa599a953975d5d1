"""When a month counts as covered by the crawl, and why it does not."""

from __future__ import annotations

from scoring.assessment.coverage import month_coverage
from tests.scoring import factories as f

MONTHS = ("2012-03",)


def test_month_with_a_healthy_complete_run_after_it_ended_is_covered(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 3, 10, 3))
    f.run(session, portal, f.shanghai(2012, 4, 1, 3))
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.complete
    assert coverage.label == "complete"


def test_failed_run_during_the_month_makes_it_incomplete_even_after_recovery(session, late_cutoff):
    portal = f.site(session)
    failed = f.run(session, portal, f.shanghai(2012, 3, 10, 3), status="failed", healthy=False)
    f.run(session, portal, f.shanghai(2012, 4, 1, 3))
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert not coverage.complete
    assert coverage.reasons == (f"sx-portal run {failed.id} failed on 2012-03-10",)


def test_unhealthy_finished_run_makes_the_month_incomplete(session, late_cutoff):
    portal = f.site(session)
    sick = f.run(session, portal, f.shanghai(2012, 3, 31, 23), healthy=False)
    f.run(session, portal, f.shanghai(2012, 4, 1, 3))
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.reasons == (f"sx-portal run {sick.id} unhealthy on 2012-03-31",)


def test_month_not_yet_read_after_it_ended_is_incomplete(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 3, 31, 3))
    f.run(session, portal, f.shanghai(2012, 4, 2, 3), column_status="partial")
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.reasons == (
        "sx-portal: the crawl of 2012-04-02 03:00 was partial: column 部门动态 partial",
    )


def test_runs_after_the_cutoff_do_not_cover_a_month(session):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 4, 2, 3))
    cutoff = f.shanghai(2012, 4, 1, 12)
    assert not month_coverage(session, "portal", MONTHS, cutoff)["2012-03"].complete


def test_no_site_of_the_kind_is_incomplete_not_empty(session, late_cutoff):
    coverage = month_coverage(session, "disclosure", MONTHS, late_cutoff)["2012-03"]
    assert coverage.reasons == ("no disclosure site is registered",)


def test_a_failed_probe_or_link_check_does_not_void_the_month(session, late_cutoff):
    """Probes and link checks have their own evidence; only list walks cover a month."""
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 3, 10, 3))
    for spider in ("probe", "linkcheck"):
        probe = f.run(session, portal, f.shanghai(2012, 3, 12, 3), status="failed", healthy=False)
        probe.spider = spider
    f.run(session, portal, f.shanghai(2012, 4, 1, 3))
    session.flush()
    assert month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"].complete


def test_incomplete_month_names_what_the_last_crawl_after_it_met(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 4, 1, 2), column_status="partial")
    last = f.run(session, portal, f.shanghai(2012, 4, 2, 2), column_status="partial")
    last.column_results[0].message = "2 list pages timed out after 10 s"
    session.flush()
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.label == (
        "incomplete: sx-portal: the crawl of 2012-04-02 02:00 was partial: "
        "column 部门动态 2 list pages timed out after 10 s"
    )


def test_failed_crawl_after_the_month_is_named_with_its_cause(session, late_cutoff):
    portal = f.site(session)
    failed = f.run(session, portal, f.shanghai(2012, 4, 1, 2), status="failed", healthy=False)
    failed.health_problems = ["every column failed: connection refused by 127.0.0.1:9"]
    session.flush()
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.reasons == (
        "sx-portal: the crawl of 2012-04-01 02:00 was failed: "
        "every column failed: connection refused by 127.0.0.1:9",
    )


def test_month_with_no_crawl_since_it_ended_says_so(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 3, 10, 3))
    coverage = month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"]
    assert coverage.reasons == ("sx-portal: no crawl since the month ended",)


def test_a_whole_read_after_a_partial_one_still_covers_the_month(session, late_cutoff):
    portal = f.site(session)
    f.run(session, portal, f.shanghai(2012, 4, 1, 2))
    f.run(session, portal, f.shanghai(2012, 4, 2, 2), column_status="partial")
    assert month_coverage(session, "portal", MONTHS, late_cutoff)["2012-03"].complete
