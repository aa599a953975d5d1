"""``scoring db grant-readonly``: the analysts' role can read everything and change nothing."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from scoring.cli import cli


@pytest.mark.postgres
def test_readonly_role_can_select_tables_and_views_but_not_write(pg_url: str):
    role = f"analyst_{uuid.uuid4().hex[:8]}"
    runner = CliRunner()
    admin = create_engine(pg_url)
    try:
        result = runner.invoke(
            cli, ["db", "grant-readonly", role], env={"EGOV_DATABASE_URL": pg_url}
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"{role}: created, SELECT on all tables and views")
        again = runner.invoke(
            cli, ["db", "grant-readonly", role], env={"EGOV_DATABASE_URL": pg_url}
        )
        assert again.exit_code == 0 and "created" not in again.stdout
        with admin.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO departments (short_name, full_name, kind, tier, is_liaison_office,"
                    " is_financial_institution, is_city_enterprise, has_no_approval_items,"
                    " created_at) VALUES ('市发改委', '绍兴市发展和改革委员会', 'department', 1,"
                    " false, false, false, false, now())"
                )
            )
        as_role = create_engine(make_url(pg_url).set(username=role, password=None))
        try:
            with as_role.connect() as connection:
                assert connection.scalar(text("SELECT short_name FROM departments")) == "市发改委"
                assert connection.scalar(text("SELECT count(*) FROM analyst_monthly_posts")) == 0
            for statement in (
                "INSERT INTO manual_scores (department_id, item_key, period, kind, points, reason,"
                " entered_by, entered_at) VALUES (1, 'a2.portal.duty', '2012', 'score', 2, 'x',"
                " 'y', now())",
                "UPDATE departments SET tier = 2",
                "DELETE FROM departments",
                "CREATE TABLE mine (id int)",
            ):
                with (
                    as_role.connect() as connection,
                    pytest.raises(ProgrammingError, match="permission denied"),
                ):
                    connection.execute(text(statement))
        finally:
            as_role.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP OWNED BY "{role}"'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_grant_readonly_on_sqlite_is_a_one_line_error(sqlite_url: str):
    result = CliRunner().invoke(
        cli, ["db", "grant-readonly", "analyst"], env={"EGOV_DATABASE_URL": sqlite_url}
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: grant-readonly needs PostgreSQL; SQLite files have no roles"
    )
