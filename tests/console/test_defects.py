"""Defects found in use of the console, each kept from coming back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import Department, ManualScore, ScoreRun
from scoring.console.audit import record
from tests.console.conftest import rows

HUGE = "9223372036854775808"  # one more than the largest 64-bit id


@pytest.mark.parametrize(
    "path",
    [
        f"/evidence/{HUGE}",
        f"/evidence/{HUGE}/body",
        f"/evidence/{HUGE}/source",
        f"/departments/{HUGE}",
        "/reports/runs/99999999999999999999999/download?format=csv",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(open_console, path):
    response = open_console("admin").client.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert "<html" in response.text


@pytest.mark.parametrize("month", ["9999-01", "0000-01", "2012-13", "x"])
def test_a_month_outside_the_years_shown_is_a_bad_request(open_console, seeded, month):
    browser = open_console("admin")
    response = browser.client.get(f"/departments/{seeded['stats']}?month={month}")
    assert response.status_code == 400


def test_a_copied_session_cookie_stops_working_after_logout(open_console):
    browser = open_console("admin")
    copied = dict(browser.client.cookies)
    assert browser.client.get("/audit").status_code == 200
    browser.post_form("/", "/logout", {})
    thief = open_console()
    thief.client.cookies.update(copied)
    response = thief.client.get("/audit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def _record_events(database_url: str, count: int, actor: str, details: dict) -> None:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            for number in range(count):
                record(session, actor, "alias_added", f"alias:{number}", details=details)
    finally:
        engine.dispose()


def test_the_audit_log_pages_back_to_its_oldest_event_and_filters_by_user(
    open_console, database_url
):
    _record_events(database_url, 250, "alice", {"alias": "镜湖新区"})
    _record_events(database_url, 3, "bob", {})
    browser = open_console("admin")
    first = browser.client.get("/audit").text
    assert "镜湖新区" in first and "\\u955c" not in first
    assert 'rel="next"' in first
    last = browser.client.get("/audit?page=3").text
    assert "alias:0<" in last  # the oldest of alice's events is reachable
    only_bob = browser.client.get("/audit?actor=bob").text
    assert "alias:2<" in only_bob and "alice" not in only_bob.split("<tbody>")[1]
    assert browser.client.get("/audit?since=2012-13-01").status_code == 400
    assert ">无<" in browser.client.get("/audit?until=2001-01-01").text


def test_an_admin_sees_a_locked_user_name_and_unlocks_it(open_console):
    guesser = open_console()
    for _ in range(5):
        assert guesser.login("rev", "wrong password!").status_code == 401
    assert guesser.login("rev").status_code == 429
    admin = open_console("admin")
    users = admin.client.get("/users").text
    failed = users.split('class="failed-logins"')[1]
    assert "rev" in failed and "已锁定" in failed
    response = admin.post_form("/users", "/users", {"username": "rev", "change": "unlock"})
    assert response.status_code == 303
    assert "已锁定" not in admin.client.get("/users").text.split('class="failed-logins"')[1]
    assert open_console().login("rev").status_code == 303
    audit = admin.client.get("/audit?subject=login:rev").text
    assert "login_unlocked" in audit


def _entry(browser, **fields: str):  # type: ignore[no-untyped-def]
    values = {
        "department": "市发改委",
        "item_key": "a2.portal.duty",
        "period": "2012",
        "kind": "score",
        "points": "1",
        "reason": "值班记录齐全",
        **fields,
    }
    return browser.post_form("/entries", "/entries", values)


def test_a_refused_entry_shows_the_form_again_with_what_was_typed(open_console, database_url):
    response = _entry(open_console("rev"), points="99", reason="原因写在这里")
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "takes 0 to" in response.text
    assert 'value="原因写在这里"' in response.text and 'value="99"' in response.text
    assert '<option value="a2.portal.duty" selected>' in response.text
    assert rows(database_url, select(ManualScore)) == []


def test_a_score_on_a_sub_item_the_crawl_computes_is_refused_but_an_adjustment_is_taken(
    open_console, database_url
):
    browser = open_console("rev")
    refused = _entry(browser, item_key="a2.portal.site", points="1")
    assert refused.status_code == 400
    assert "由采集数据计算得出，不能直接录入得分：请录入调整分并说明理由" in refused.text
    adjusted = _entry(browser, item_key="a2.portal.site", kind="adjustment", points="-1")
    assert adjusted.status_code == 303
    (entry,) = rows(database_url, select(ManualScore))
    assert entry.kind == "adjustment"


def test_an_entry_or_report_for_a_period_not_over_is_refused(open_console, database_url):
    browser = open_console("rev")
    refused = _entry(browser, period="2031-01")
    assert refused.status_code == 400 and "考核期 2031-01 尚未开始" in refused.text
    response = browser.post_form("/reports", "/reports", {"kind": "monthly", "period": "2031-01"})
    assert response.status_code == 400 and "尚未结束" in response.text
    assert 'value="2031-01"' in response.text
    assert rows(database_url, select(ManualScore)) == rows(database_url, select(ScoreRun)) == []


def test_an_override_entered_before_is_shown_on_the_board(open_console, database_url):
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            session.add(
                ManualScore(
                    department_id=session.scalar(
                        select(Department.id).where(Department.short_name == "市发改委")
                    ),
                    item_key="a2.portal.site",
                    period="2012",
                    kind="score",
                    points=1,
                    reason="旧版本录入",
                    entered_by="rev",
                )
            )
    finally:
        engine.dispose()
    board = open_console("view").client.get("/?year=2012").text
    row = board.split("市发改委</a>")[1].split("</tr>")[0]
    assert "门户网站:" in row and "→ 1.00" in row
