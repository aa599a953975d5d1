"""The `schedules` command line as a user runs it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from schedules.cli import cli


def env_for(database_url: str, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    return {**env, "EGOV_DATABASE_URL": database_url, "EGOV_VAR_DIR": str(tmp_path / "var")}


def schedules(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schedules", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_run_stores_the_jobs_and_stops_cleanly_on_sigterm(database_url, tmp_path):
    env = env_for(database_url, tmp_path)
    before = json.loads(schedules(["list", "--format", "json"], env).stdout)
    jobs = {row["job"] for row in before}
    assert {"crawl-sx-portal", "monthly-report", "quarterly-bulletin"} <= jobs
    assert not any(job.startswith("crawl-sample-") for job in jobs)
    assert not any(row["stored"] for row in before)

    process = subprocess.Popen(
        [sys.executable, "-m", "schedules", "run"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        if "scheduler running with" in line:
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=30)
    log = "".join(lines) + rest
    assert process.returncode == 0, log
    assert "job store in" in log and "scheduler stopped" in log

    after = json.loads(schedules(["list", "--format", "json"], env).stdout)
    assert all(row["stored"] for row in after)
    nightly = next(row for row in after if row["job"] == "crawl-sx-portal")
    assert nightly["next_run"].endswith("02:00 CST")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_run_once_of_an_unknown_job_is_a_one_line_error(database_url, tmp_path):
    result = schedules(["run-once", "crawl-nowhere"], env_for(database_url, tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("Error: no job 'crawl-nowhere'")
    assert "Traceback" not in result.stderr


def test_every_command_has_help_ending_with_an_example():
    commands = [cli, *cli.commands.values()]
    for command in commands:
        help_text = command.help or ""
        assert help_text.strip(), f"{command.name} has no help"
        example = help_text.rsplit("Example:", 1)
        assert len(example) == 2 and example[1].strip(), f"{command.name}: no example at the end"
