"""Every user mistake and environment problem is one line, ``Error: …``, from the real commands.

The console scripts run as a user runs them (``python -m scoring`` / ``python -m schedules`` /
``python -m crawler.onboarding`` for ``sites``)
against a dead PostgreSQL, SQLite paths that cannot be created or opened, a URL that is not one,
a database never migrated, malformed input files and values the options do not take. Each must
print exactly one line on standard error and exit 1 (the environment or the data) or 2 (the
command line).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DEAD_POSTGRES = "postgresql+psycopg://postgres:secret-word@127.0.0.1:1/egov"
NOT_CREATABLE = "sqlite:////proc/nope/evidence.sqlite"
NOT_WRITABLE_DIRECTORY = "sqlite:////proc/evidence.sqlite"
FRESH, MIGRATED = "fresh", "migrated"
UPGRADE = "run 'scoring db upgrade' first"


def run(
    module: str, *args: str, url: str, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "EGOV_VAR_DIR": str(tmp_path / "var"), "EGOV_DATABASE_URL": url}
    environ.pop("EGOV_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env={**environ, **env},
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Malformed input files: a CSV without the columns, a binary file, broken TOML."""
    (tmp_path / "columns.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00garbage\x00\x01")
    (tmp_path / "broken.toml").write_text("x = [\n", encoding="utf-8")
    return tmp_path


CASES = [
    # (id, module, args, database, extra environment, status, phrase)
    ("upgrade-dead-pg", "scoring", ["db", "upgrade"], DEAD_POSTGRES, {}, 1, "Connection refused"),
    ("list-dead-pg", "scoring", ["departments", "list"], DEAD_POSTGRES, {}, 1, "port 1 failed"),
    ("grant-dead-pg", "scoring", ["db", "grant-readonly", "ro"], DEAD_POSTGRES, {}, 1, "refused"),
    ("schedules-dead-pg", "schedules", ["list"], DEAD_POSTGRES, {}, 1, "Connection refused"),
    (
        "report-sqlite-dir",
        "scoring",
        ["monthly-report", "--month", "2012-03"],
        NOT_CREATABLE,
        {},
        1,
        "cannot create the directory of the SQLite file",
    ),
    ("schedules-sqlite-dir", "schedules", ["list"], NOT_CREATABLE, {}, 1, "/proc/nope"),
    (
        "runs-unwritable-dir",
        "scoring",
        ["runs", "list"],
        NOT_WRITABLE_DIRECTORY,
        {},
        1,
        "unable to open database file",
    ),
    ("upgrade-nonsense", "scoring", ["db", "upgrade"], "nonsense", {}, 1, "not a database URL"),
    ("users-nonsense", "scoring", ["users", "list"], "nonsense", {}, 1, "EGOV_DATABASE_URL"),
    ("run-once-nonsense", "schedules", ["run-once", "monthly-report"], "nonsense", {}, 1, "URL"),
    ("list-fresh", "scoring", ["departments", "list"], FRESH, {}, 1, UPGRADE),
    ("run-once-fresh", "schedules", ["run-once", "monthly-report"], FRESH, {}, 1, UPGRADE),
    (
        "rules-file-missing",
        "scoring",
        ["rules", "show"],
        MIGRATED,
        {"EGOV_RULES_FILE": "/nope/rules.toml"},
        1,
        "cannot read",
    ),
    (
        "bad-setting",
        "scoring",
        ["runs", "list"],
        MIGRATED,
        {"EGOV_HEARTBEAT_LIMIT_SECONDS": "soon"},
        1,
        "EGOV_HEARTBEAT_LIMIT_SECONDS must be a number",
    ),
    ("csv-columns", "scoring", ["manual", "import", "columns.csv"], MIGRATED, {}, 1, "missing"),
    ("csv-binary", "scoring", ["manual", "import", "binary.csv"], MIGRATED, {}, 1, "not UTF-8"),
    ("register-binary", "scoring", ["register", "import", "binary.csv"], MIGRATED, {}, 1, "GBK"),
    (
        "toml-registry",
        "scoring",
        ["departments", "import", "broken.toml"],
        MIGRATED,
        {},
        1,
        "not valid TOML",
    ),
    (
        "toml-schedules",
        "schedules",
        ["--file", "broken.toml", "list"],
        MIGRATED,
        {},
        1,
        "not valid TOML",
    ),
    (
        "output-unwritable",
        "scoring",
        ["departments", "list", "-o", "/proc/nope/list.txt"],
        MIGRATED,
        {},
        1,
        "No such file or directory",
    ),
    ("bad-month", "scoring", ["monthly-report", "--month", "2012-13"], MIGRATED, {}, 2, "month"),
    (
        "bad-quarter",
        "scoring",
        ["quarterly-bulletin", "--quarter", "2012Q5"],
        MIGRATED,
        {},
        2,
        "quarter",
    ),
    ("bad-year", "scoring", ["annual", "--year", "12"], MIGRATED, {}, 2, "not a year"),
    (
        "bad-cutoff",
        "scoring",
        ["monthly-report", "--cutoff", "yesterday"],
        MIGRATED,
        {},
        2,
        "not a cut-off",
    ),
    (
        "unknown-department",
        "scoring",
        ["explain", "--department", "市不存在局", "--month", "2012-03"],
        MIGRATED,
        {},
        1,
        "no department or county named",
    ),
    ("unknown-run", "scoring", ["runs", "show", "999"], MIGRATED, {}, 1, "no score run with id"),
    ("unknown-user", "scoring", ["users", "disable", "nobody"], MIGRATED, {}, 1, "no user"),
    ("unknown-job", "schedules", ["run-once", "nope"], MIGRATED, {}, 1, "no job 'nope'"),
    (
        "discover-dead-pg",
        "crawler.onboarding",
        ["discover", "http://127.0.0.1:9/", "--kind", "disclosure", "-o", "x.toml"],
        DEAD_POSTGRES,
        {},
        1,
        "cannot read the department registry: cannot use the evidence database",
    ),
    (
        "discover-fresh",
        "crawler.onboarding",
        ["discover", "http://127.0.0.1:9/", "--kind", "disclosure", "-o", "x.toml"],
        FRESH,
        {},
        1,
        UPGRADE,
    ),
    (
        "discover-not-a-url",
        "crawler.onboarding",
        ["discover", "nope", "--kind", "portal"],
        MIGRATED,
        {},
        1,
        "not a web address",
    ),
]


@pytest.mark.parametrize(
    ("module", "args", "database", "env", "status", "phrase"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_failure_is_one_line(
    module: str,
    args: list[str],
    database: str,
    env: dict[str, str],
    status: int,
    phrase: str,
    inputs: Path,
    request: pytest.FixtureRequest,
) -> None:
    if database == MIGRATED:
        url = request.getfixturevalue("sqlite_url")
    elif database == FRESH:
        url = f"sqlite:///{inputs / 'fresh.sqlite'}"
    else:
        url = database
    result = run(module, *args, url=url, tmp_path=inputs, **env)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == status, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and phrase in lines[0], lines[0]
    assert "secret-word" not in result.stderr


def test_debug_switch_shows_the_traceback(tmp_path: Path) -> None:
    result = run("scoring", "runs", "list", url=NOT_CREATABLE, tmp_path=tmp_path, EGOV_DEBUG="1")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
