"""Security of the console: login, CSRF, roles, department scope, sandboxed pages, rate limit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine, session_scope
from db.models import AuditEvent, LoginAttempt, ManualScore, ReviewItem, ScoreRun, utcnow
from scoring.console.accounts import WINDOW
from tests.console.conftest import csrf_of

PUBLIC = {"/login", "/logout"}


def _routes(app, seeded):  # type: ignore[no-untyped-def]
    """Every (method, concrete path) the console serves, except the static files."""
    values = {
        "{department_id:id}": str(seeded["stats"]),
        "{page_id:id}": str(seeded["stats_page"]),
        "{kind}": "backdated_post",
        "{run_id:id}": "1",
        "{item_id:id}": "1",
        "{file_id:id}": "1",
    }
    for route in app.routes:
        methods = getattr(route, "methods", None)
        if not methods:
            continue
        path = route.path
        for placeholder, value in values.items():
            path = path.replace(placeholder, value)
        assert "{" not in path, path
        for method in sorted(methods - {"HEAD"}):
            yield method, path


def _count(database_url: str, model) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_anonymous_requests_are_sent_to_the_login_or_refused(open_console, seeded):
    browser = open_console()
    routes = list(_routes(browser.client.app, seeded))
    assert len(routes) >= 18
    token = csrf_of(browser.client.get("/login").text)  # even with a valid token
    for method, path in routes:
        if path in PUBLIC:
            continue
        if method == "GET":
            response = browser.client.get(path, follow_redirects=False)
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["location"].startswith("/login?next="), path
        else:
            response = browser.client.post(path, data={"csrf_token": token})
            assert response.status_code == 403, (path, response.status_code)


def test_every_form_is_refused_without_its_csrf_token(open_console, seeded, database_url):
    browser = open_console("admin")
    posts = [(m, p) for m, p in _routes(browser.client.app, seeded) if m == "POST"]
    assert {p for _, p in posts} >= {"/entries", "/reports", "/users", "/login", "/logout"}
    entry = {
        "department": "市发改委",
        "item_key": "a2.portal.duty",
        "period": "2012",
        "points": "1",
        "reason": "r",
        "kind": "score",
        "change": "add",
        "username": "mallory",
        "password": "long enough password",
        "role": "admin",
    }
    for _, path in posts:
        for token in (None, "forged-" + "x" * 40):
            data = dict(entry) if token is None else {**entry, "csrf_token": token}
            response = browser.client.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, token, response.status_code)
            assert "安全令牌" in response.text or "已过期" in response.text
    assert _count(database_url, ManualScore) == 0
    assert browser.client.get("/").status_code == 200  # still logged in: logout was refused
    assert "mallory" not in browser.client.get("/users").text


@pytest.mark.parametrize("username", ["view", "liaison"])
def test_a_viewer_or_liaison_can_write_nothing(open_console, seeded, database_url, username):
    browser = open_console(username)
    token = csrf_of(browser.client.get("/").text)
    forms = {
        "/reviews/backdated_post/step": {"subject_key": "post:1", "action": "confirm"},
        "/reviews/unresolved_name/alias": {"subject_key": "x", "department": "市发改委"},
        "/entries": {
            "department": "市统计局",
            "item_key": "a2.portal.duty",
            "period": "2012",
            "points": "1",
            "reason": "r",
        },
        "/reports": {"kind": "monthly", "period": "2012-03"},
        "/users": {"change": "add", "username": "x2", "password": "p" * 12, "role": "admin"},
    }
    for path, data in forms.items():
        response = browser.client.post(path, data={**data, "csrf_token": token})
        assert response.status_code in (403, 404), (path, response.status_code)
    page = browser.client.get("/entries").text
    assert 'action="/entries"' not in page  # no form offered either
    for model in (ManualScore, ReviewItem, ScoreRun, AuditEvent):
        assert _count(database_url, model) == 0, model


def test_a_liaison_cannot_read_another_department_by_changing_the_url(open_console, seeded):
    browser = open_console("liaison")  # 市统计局's liaison
    own, other = seeded["stats"], seeded["ndrc"]
    board = browser.client.get("/").text
    assert "市统计局" in board and "市发改委" not in board and "驻京联络处" not in board
    assert browser.client.get(f"/departments/{own}?month=2012-03").status_code == 200
    refused = [
        f"/departments/{other}",
        f"/departments/{other}?month=2012-03",
        f"/departments/{seeded['liaison_office']}",
        f"/evidence/{seeded['scripted_page']}",
        f"/evidence/{seeded['scripted_page']}/body",
        f"/evidence/{seeded['scripted_page']}/source",
        f"/reviews/undated_document/item?key=document:{seeded['undated_document']}",
        f"/reviews/number_gap/item?key={other}:%E7%BB%8D%E5%8F%91%E6%94%B9%E3%80%942012%E3%80%9511%E5%8F%B7",
        "/reviews/unresolved_name",
    ]
    for path in refused:
        response = browser.client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert "市发改委" not in response.text, path
    for path in ("/reports", "/reports/runs/1", "/audit", "/users"):
        assert browser.client.get(path).status_code == 403, path
    assert browser.client.get(f"/evidence/{seeded['stats_page']}").status_code == 200
    assert "市发改委" not in browser.client.get("/departments").text
    assert "没有成文日期的文件" not in browser.client.get("/reviews/undated_document").text


def test_a_stored_page_is_served_sandboxed_with_nothing_to_run_or_fetch(open_console, seeded):
    browser = open_console("view")
    page_id = seeded["scripted_page"]
    frame = browser.client.get(f"/evidence/{page_id}").text
    iframe = re.search(r"<iframe[^>]*>", frame)
    assert iframe and " sandbox " in iframe[0] and "allow-" not in iframe[0]
    body = browser.client.get(f"/evidence/{page_id}/body")
    assert body.status_code == 200 and b"<script>" in body.content  # byte for byte
    policy = body.headers["content-security-policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "script-src" not in policy and "allow-scripts" not in policy
    source = browser.client.get(f"/evidence/{page_id}/source").text
    assert "&lt;script&gt;" in source and "<script>" not in source
    console_policy = browser.client.get("/").headers["content-security-policy"]
    assert "script-src 'none'" in console_policy and "frame-ancestors 'none'" in console_policy


def _login_status(browser, username: str, password: str) -> int:  # type: ignore[no-untyped-def]
    return browser.login(username, password).status_code


def test_wrong_passwords_are_rate_limited_per_user_and_per_client(
    open_console, seeded, database_url
):
    browser = open_console()
    assert [_login_status(browser, "rev", "wrong password!") for _ in range(5)] == [401] * 5
    refused = browser.login("rev")  # the right password, but too late
    assert refused.status_code == 429 and "登录失败次数过多" in refused.text
    assert _login_status(browser, "admin", "correct horse battery") == 303  # others unaffected
    engine = make_engine(database_url)
    with engine.begin() as connection:  # the window passes
        connection.execute(update(LoginAttempt).values(at=utcnow() - WINDOW))
    engine.dispose()
    assert browser.login("rev").status_code == 303
    for n in range(20):
        assert _login_status(open_console(), f"nobody{n}", "guess guess") == 401
    assert _login_status(open_console(), "view", "correct horse battery") == 429


def test_an_offsite_next_is_ignored_after_login(open_console, seeded):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        browser = open_console()
        token = csrf_of(browser.client.get("/login").text)
        response = browser.client.post(
            "/login",
            data={
                "username": "view",
                "password": "correct horse battery",
                "csrf_token": token,
                "next": target,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/", target


def test_a_disabled_user_or_a_changed_password_ends_the_session(open_console, seeded):
    victim = open_console("rev")
    admin = open_console("admin")
    assert victim.client.get("/").status_code == 200
    admin.post_form(
        "/users",
        "/users",
        {"change": "password", "username": "rev", "password": "another long password"},
    )
    assert victim.client.get("/", follow_redirects=False).status_code == 303
    viewer = open_console("view")
    admin.post_form("/users", "/users", {"change": "disable", "username": "view"})
    assert viewer.client.get("/", follow_redirects=False).status_code == 303
    assert open_console().login("view").status_code == 401


def test_the_audit_log_refuses_updates_and_deletes(open_console, seeded, database_url):
    browser = open_console("rev")
    browser.post_form(
        "/reviews/backdated_post",
        "/reviews/backdated_post/step",
        {"subject_key": _backdated_key(browser), "action": "confirm"},
    )
    engine = make_engine(database_url)
    try:
        for statement in (
            "UPDATE audit_events SET actor = 'someone else'",
            "DELETE FROM audit_events",
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.scalar(select(AuditEvent.actor)) == "rev"
    finally:
        engine.dispose()


def _backdated_key(browser) -> str:  # type: ignore[no-untyped-def]
    page = browser.client.get("/reviews/backdated_post").text
    match = re.search(r'name="subject_key" value="(post:\d+)"', page)
    assert match, page
    return match[1]


def test_behind_a_trusted_proxy_the_rate_limit_counts_the_forwarded_address(
    seeded, tmp_path, database_url
):
    from scoring.console.app import create_app
    from tests.console.conftest import Browser, TestClient, console_settings

    def attempts(trusted: tuple[str, ...], forwarded: str, n: int, user: str) -> list[int]:
        app = create_app(console_settings(database_url, tmp_path), trusted_proxies=trusted)
        client = TestClient(
            app,
            base_url="http://127.0.0.1",
            client=("10.0.0.1", 50000),  # the proxy
            headers={"X-Forwarded-For": forwarded},
        )
        try:
            return [_login_status(Browser(client), f"{user}{i}", "guess guess") for i in range(n)]
        finally:
            app.state.engine.dispose()

    # believed: twenty failures from one user's address do not lock out the proxy's others
    assert attempts(("10.0.0.1",), "203.0.113.7", 21, "a")[-1] == 429
    assert attempts(("10.0.0.1",), "203.0.113.8", 1, "b") == [401]
    # not believed (the default): a client cannot escape the limit by naming another address
    assert attempts((), "198.51.100.1", 21, "c")[-1] == 429
    assert attempts((), "198.51.100.2", 1, "d") == [429]
