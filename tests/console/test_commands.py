"""``scoring users``, ``scoring serve -h`` and ``scoring db grant-console`` as a user runs them."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from scoring.cli import cli
from tests.console.conftest import console_settings

PASSWORD = "a long enough password"


def _run(database_url: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=stdin, env={"EGOV_DATABASE_URL": database_url})


def test_users_add_list_set_role_and_disable(seeded, database_url, open_console):
    added = _run(
        database_url,
        "users",
        "add",
        "li.ming",
        "--role",
        "liaison",
        "--department",
        "市发改委",
        "--name",
        "李明",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.strip() == "user li.ming added as liaison of 市发改委"
    listed = _run(database_url, "users", "list", "--format", "csv")
    assert "li.ming,李明,liaison,市发改委,True," in listed.stdout
    browser = open_console()
    assert browser.login("li.ming", PASSWORD).status_code == 303
    board = browser.client.get("/").text
    assert "市发改委" in board and "市统计局" not in board

    no_department = _run(database_url, "users", "set-role", "li.ming", "liaison")
    assert no_department.exit_code == 1
    assert no_department.stderr.strip().startswith("Error: a liaison needs --department")
    assert _run(database_url, "users", "set-role", "li.ming", "viewer").exit_code == 0
    assert _run(database_url, "users", "disable", "li.ming").exit_code == 0
    assert open_console().login("li.ming", PASSWORD).status_code == 401


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ("users", "add", "xu", "--role", "admin", "--password-stdin"),
            "short\n",
            "Error: a password needs at least 10 characters",
        ),
        (
            ("users", "add", "admin", "--role", "admin", "--password-stdin"),
            PASSWORD + "\n",
            "Error: user 'admin' already exists",
        ),
        (
            (
                "users",
                "add",
                "yu",
                "--role",
                "viewer",
                "--department",
                "市发改委",
                "--password-stdin",
            ),
            PASSWORD + "\n",
            "Error: only a liaison belongs to a department, not a viewer",
        ),
        (
            (
                "users",
                "add",
                "zu",
                "--role",
                "liaison",
                "--department",
                "市不存在局",
                "--password-stdin",
            ),
            PASSWORD + "\n",
            "Error: no department or county named '市不存在局'",
        ),
        (
            ("users", "set-password", "nobody", "--password-stdin"),
            PASSWORD + "\n",
            "Error: no user 'nobody'",
        ),
    ],
)
def test_user_mistakes_are_one_line_errors(seeded, database_url, args, stdin, message):
    result = _run(database_url, *args, stdin=stdin)
    assert result.exit_code == 1
    assert result.stderr.strip() == message


def test_serve_refuses_a_short_secret_key_in_one_line(sqlite_url, tmp_path):
    result = CliRunner().invoke(
        cli,
        ["serve", "--port", "1"],
        env={
            "EGOV_DATABASE_URL": sqlite_url,
            "EGOV_SESSION_KEY": "short",
            "EGOV_VAR_DIR": str(tmp_path),
        },
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: EGOV_SESSION_KEY must be at least 32")


def test_without_a_secret_key_one_is_generated_once_and_kept_private(tmp_path, sqlite_url):
    from scoring.console.secret import KEY_FILE, console_secret

    settings = console_settings(sqlite_url, tmp_path)
    settings = type(settings)(**{**settings.__dict__, "session_key": None})
    first = console_secret(settings)
    assert len(first) >= 32 and console_secret(settings) == first
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o077 == 0


@pytest.fixture
def console_role(pg_url: str):  # type: ignore[no-untyped-def]
    role = f"console_{uuid.uuid4().hex[:8]}"
    yield pg_url, role
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP OWNED BY "{role}"'))
        connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()


@pytest.mark.postgres
def test_the_console_works_as_a_role_granted_by_grant_console_and_no_more(
    console_role, tmp_path, monkeypatch
):
    from scoring.console.app import create_app
    from tests.console import seed
    from tests.console.conftest import Browser, TestClient

    url, role = console_role
    ids = seed.build(url)
    granted = _run(url, "db", "grant-console", role)
    assert granted.exit_code == 0, granted.output
    assert granted.stdout.startswith(f"{role}: created, SELECT on all tables")
    as_role = make_url(url).set(username=role, password=None).render_as_string(False)
    client = TestClient(
        create_app(console_settings(as_role, tmp_path)), base_url="http://127.0.0.1"
    )
    browser = Browser(client)
    try:
        assert browser.login("rev").status_code == 303
        queue = client.get("/reviews/unresolved_name").text
        key = queue.split('name="subject_key" value="', 1)[1].split('"', 1)[0]
        steps = [
            (
                "/reviews/unresolved_name",
                "/reviews/unresolved_name/alias",
                {"subject_key": key, "department": "市发改委", "alias": seed.UNKNOWN_SOURCE},
            ),
            (
                "/reviews/number_gap",
                "/reviews/number_gap/step",
                {"subject_key": f"{ids['ndrc']}:绍发改〔2012〕11号", "action": "confirm"},
            ),
            (
                "/entries",
                "/entries",
                {
                    "department": "市发改委",
                    "item_key": "a2.portal.duty",
                    "period": "2012",
                    "kind": "score",
                    "points": "2",
                    "reason": "ok",
                },
            ),
            ("/reports", "/reports", {"kind": "monthly", "period": "2012-03"}),
        ]
        for page, action, data in steps:
            response = browser.post_form(page, action, data)
            assert response.status_code == 303, (action, response.text[-500:])
        assert 'data-posts="9"' in client.get("/").text
    finally:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
    engine = create_engine(as_role)
    try:
        for statement in (
            "DELETE FROM audit_events",
            "DELETE FROM portal_posts",
            "UPDATE portal_posts SET title = 'changed'",
            "UPDATE manual_scores SET points = 8",
            "UPDATE score_runs SET report = ''",
            "DROP TABLE review_items",
        ):
            with (
                pytest.raises(Exception, match=r"permission denied|must be owner"),
                engine.begin() as c,
            ):
                c.execute(text(statement))
    finally:
        engine.dispose()


def test_grant_console_on_sqlite_is_a_one_line_error(sqlite_url):
    result = _run(sqlite_url, "db", "grant-console", "console")
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "Error: grant-console needs PostgreSQL; SQLite files have no roles"
    )
