"""The wording scan over stored pages, the review of its hits and the 严重错误 indicator.

The sample's planted posts and documents (samplesites.wording) are stored as the crawler
stores them (a fetched page behind each post and document, and a column's list page), on
SQLite and PostgreSQL; the hits found must be the sample's truth.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from db.engine import make_engine, session_scope
from db.models import (
    ColumnWalkPage,
    CrawlColumnResult,
    CrawlRun,
    DisclosureDocument,
    FetchedPage,
    PortalPost,
    SiteColumn,
    WordingFinding,
    WordingReview,
    WordingScan,
    utcnow,
)
from samplesites.wording import DOCUMENTS, POSTS
from scoring.cli import cli
from scoring.cli.rules_commands import load_current_rules
from scoring.console.queues import QUEUES, entries, find, step
from scoring.inspection.verdict import InspectionDay
from scoring.inspection.wording import serious_errors_indicator, wording_findings
from scoring.inspection.wording_lexicon import load_lexicon
from scoring.inspection.wording_match import Matcher
from scoring.inspection.wording_review import ReviewError, review
from scoring.inspection.wording_scan import scan
from scoring.rules.national import load_national_rules
from tests.evidence_factories import page, site
from tests.scoring.factories import shanghai

RULES = load_national_rules()
MATCHER = Matcher(load_lexicon())
FETCHED = shanghai(2019, 3, 18, 22)


def _html(body: str) -> bytes:
    return f"<html><head><title>t</title></head><body>{body}</body></html>".encode()


def store_sample(session, key: str = "sample-wording", fetched: dt.datetime = FETCHED) -> int:
    """The planted posts and documents, and a column list page, as the crawler stores them."""
    portal = site(session, key)
    column = SiteColumn(
        site_id=portal.id, key="yw", name="要闻", list_kind="generic", url="http://x/col/yw/"
    )
    session.add(column)
    for number, planted in POSTS.items():
        stored = page(session, f"http://{key}/art/{number}.html", _html(planted.html))
        stored.fetched_at = fetched
        session.add(
            PortalPost(
                site_id=portal.id,
                canonical_url=stored.url,
                title=planted.key,
                published_at=fetched,
                published_month=f"{fetched:%Y-%m}",
                identity_key=hashlib.sha256(stored.url.encode()).hexdigest()[:32],
                page_id=stored.id,
            )
        )
    for number, planted in enumerate(DOCUMENTS):
        stored = page(session, f"http://{key}/doc/{number}.html", _html(planted.html))
        stored.fetched_at = fetched
        session.add(
            DisclosureDocument(
                site_id=portal.id, url=stored.url, title=planted.key, page_id=stored.id
            )
        )
    run = CrawlRun(site_id=portal.id, spider="portal", status="finished", stats={})
    session.add(run)
    session.flush()
    result = CrawlColumnResult(crawl_run_id=run.id, column_id=column.id, status="complete")
    session.add(result)
    session.flush()
    listing = page(session, f"http://{key}/col/yw/", _html("<ul><li>中华人民共和国要闻</li></ul>"))
    listing.fetched_at = fetched
    session.add(ColumnWalkPage(column_result_id=result.id, page_id=listing.id, list_index=0))
    session.flush()
    return portal.id


def truth() -> list[tuple[str, str, str]]:
    posts = [("post", rule, form) for p in POSTS.values() for rule, form in p.hits]
    documents = [("document", rule, form) for d in DOCUMENTS for rule, form in d.hits]
    return sorted(posts + documents)


def hits(session) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(WordingFinding.source, WordingFinding.rule_key, WordingFinding.found)
    ).all()
    return sorted(tuple(row) for row in rows)


def test_the_scan_finds_the_planted_miswritings_and_nothing_in_their_look_alikes(session):
    store_sample(session)
    done = scan(session, MATCHER)
    assert (done.pages, done.hits, done.new_findings) == (7, len(truth()), len(truth()))
    assert hits(session) == truth()
    marked = select(func.count()).where(FetchedPage.wording_scan_id.is_not(None))
    assert session.scalar(marked) == 7
    run = session.scalars(select(WordingScan)).one()
    assert (run.pages, run.hits, run.everything) == (7, len(truth()), False)
    again = scan(session, MATCHER)
    assert (again.pages, again.new_findings) == (0, 0)  # each page is scanned once


def test_a_rescan_of_the_archive_keeps_reviews_and_adds_no_duplicate(session):
    store_sample(session)
    scan(session, MATCHER)
    first = session.scalars(select(WordingFinding).order_by(WordingFinding.id)).first()
    review(session, [first.id], WordingReview.CONFIRMED, "张三")
    done = scan(session, MATCHER, everything=True)
    assert (done.pages, done.new_findings) == (7, 0)
    assert hits(session) == truth()
    assert session.get(WordingFinding, first.id).review == WordingReview.CONFIRMED


def test_only_confirmed_hits_veto_and_pending_ones_only_warn(session):
    site_id = store_sample(session)
    on = InspectionDay(dt.date(2019, 3, 20), RULES.evidence_max_age_days)
    unscanned = serious_errors_indicator(RULES, wording_findings(session, site_id, on))
    assert unscanned.status == "not provable" and "7 stored pages not scanned" in unscanned.evidence
    scan(session, MATCHER)
    pending = serious_errors_indicator(RULES, wording_findings(session, site_id, on))
    assert (pending.value, pending.status) == (f"0 confirmed, {len(truth())} 待复核", "warning")
    assert "7 stored pages scanned for wording (column_page 1, document 3, post 3)" in (
        pending.evidence
    )
    ids = session.scalars(select(WordingFinding.id).order_by(WordingFinding.id)).all()
    review(session, ids[:1], WordingReview.CONFIRMED, "张三")
    review(session, ids[1:], WordingReview.DISMISSED, "张三", "引用")
    vetoed = serious_errors_indicator(RULES, wording_findings(session, site_id, on))
    assert (vetoed.value, vetoed.status) == ("1 confirmed, 0 待复核", "veto")
    assert "已确认 confirmed (1)" in vetoed.evidence and "已排除 dismissed" in vetoed.evidence


def test_hits_count_for_the_period_their_page_was_stored_in(session):
    site_id = store_sample(session)
    scan(session, MATCHER)
    march = InspectionDay(dt.date(2019, 3, 31), 3, dt.date(2019, 3, 1))
    april = InspectionDay(dt.date(2019, 4, 30), 3, dt.date(2019, 4, 1))
    assert len(wording_findings(session, site_id, march).hits) == len(truth())
    later = serious_errors_indicator(RULES, wording_findings(session, site_id, april))
    assert later.status == "not provable" and "no stored post" in later.evidence


def test_scan_list_confirm_and_dismiss_from_the_command_line(database_url, monkeypatch):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        store_sample(session)
    engine.dispose()
    monkeypatch.setenv("EGOV_DATABASE_URL", database_url)
    runner = CliRunner()
    scanned = runner.invoke(cli, ["inspection", "scan-wording"])
    assert scanned.exit_code == 0, scanned.output
    assert "scanned 7 pages" in scanned.output and f"{len(truth())} new findings" in scanned.output
    listed = runner.invoke(cli, ["inspection", "findings", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert "待复核 pending" in listed.output and "中华人民共和国" in listed.output
    confirmed = runner.invoke(cli, ["inspection", "findings", "confirm", "1", "--by", "张三"])
    assert confirmed.exit_code == 0 and "1 hits 已确认 (confirmed) by 张三" in confirmed.output
    dismiss = ["inspection", "findings", "dismiss", "999", "--by", "张三", "--note", "引用原文"]
    unknown = runner.invoke(cli, dismiss)
    assert unknown.exit_code == 1
    assert (
        unknown.output.strip()
        == "Error: no wording hit #999 (scoring inspection findings lists them)"
    )
    left = runner.invoke(cli, ["inspection", "findings", "--review", "confirmed"])
    assert left.output.count("已确认 confirmed") == 1


def test_an_inspection_on_a_database_refusing_writes_reads_without_scanning(sqlite_url):
    engine = make_engine(sqlite_url)
    with session_scope(engine) as session:
        store_sample(session)
    engine.dispose()
    read_only = f"sqlite:///file:{sqlite_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    args = ["inspection", "--site", "sample-wording", "--date", "2019-03-20", "--format", "json"]
    result = CliRunner().invoke(cli, args, env={"EGOV_DATABASE_URL": read_only})
    assert result.exit_code == 0, result.output
    assert "note: new pages not scanned for wording (attempt to write a readonly database)" in (
        result.stderr
    )
    assert '"serious_errors"' in result.stdout and "7 stored pages not scanned yet" in result.stdout


def test_a_dismissal_needs_a_reason(session):
    store_sample(session)
    scan(session, MATCHER)
    first = session.scalars(select(WordingFinding.id)).first()
    with pytest.raises(ReviewError, match="a dismissal needs a reason"):
        review(session, [first], WordingReview.DISMISSED, "张三")


def test_the_console_queue_and_the_command_line_keep_one_review(session):
    store_sample(session)
    scan(session, MATCHER)
    rules = load_current_rules()
    now = utcnow()
    queue = QUEUES["wording_hit"]
    listed = entries(session, queue, rules, 2019, now, None)
    assert len(listed) == len(truth()) and {e.state for e in listed} == {"open"}
    first, second = (int(e.candidate.subject_key) for e in listed[:2])
    # A console step writes the hit's own review, which the indicator counts.
    step(session, find(session, rules, "wording_hit", str(first), now), "confirm", "审核员")
    assert session.get(WordingFinding, first).review == WordingReview.CONFIRMED
    # A review on the command line shows in the console queue.
    review(session, [second], WordingReview.DISMISSED, "张三", "引用原文")
    states = {
        e.candidate.subject_key: e.state for e in entries(session, queue, rules, 2019, now, None)
    }
    assert (states[str(first)], states[str(second)]) == ("confirmed", "dismissed")
    detail = find(session, rules, "wording_hit", str(second), now).candidate.detail
    assert "已驳回，复核人 张三" in detail
