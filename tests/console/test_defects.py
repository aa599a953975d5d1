"""Defects found in use of the console, each kept from coming back."""

from __future__ import annotations

import pytest

from db.engine import make_engine, session_scope
from scoring.console.audit import record

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
    assert "无 none" in browser.client.get("/audit?until=2001-01-01").text


def test_an_admin_sees_a_locked_user_name_and_unlocks_it(open_console):
    guesser = open_console()
    for _ in range(5):
        assert guesser.login("rev", "wrong password!").status_code == 401
    assert guesser.login("rev").status_code == 429
    admin = open_console("admin")
    users = admin.client.get("/users").text
    failed = users.split('class="failed-logins"')[1]
    assert "rev" in failed and "已锁定 locked" in failed
    response = admin.post_form("/users", "/users", {"username": "rev", "change": "unlock"})
    assert response.status_code == 303
    assert "已锁定" not in admin.client.get("/users").text.split('class="failed-logins"')[1]
    assert open_console().login("rev").status_code == 303
    audit = admin.client.get("/audit?subject=login:rev").text
    assert "login_unlocked" in audit
