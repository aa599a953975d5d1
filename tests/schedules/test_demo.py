"""`schedules demo` end to end, as a newcomer runs it: a subprocess in an empty directory."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from samplesites.portal import SamplePortal
from schedules.config import DEFAULT_SCHEDULES_FILE, load_schedules

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_file(tmp_path: Path) -> Path:
    """The real schedules file with a quarter of the sample posts (for speed) on free ports."""
    text = DEFAULT_SCHEDULES_FILE.read_text(encoding="utf-8")
    text = text.replace("portal_scale = 1.0", "portal_scale = 0.25")
    text = text.replace("portal_port = 18012", f"portal_port = {free_port()}")
    text = text.replace("disclosure_port = 18013", f"disclosure_port = {free_port()}")
    path = tmp_path / "schedules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_")}
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )


@pytest.mark.slow
def test_demo_crawls_the_sample_sites_and_prints_the_monthly_report_that_matches_them(
    tmp_path,
):
    schedules_file = demo_file(tmp_path)
    demo = load_schedules(schedules_file).demo
    assert demo.portal_scale == 0.25

    result = run(["schedules", "--file", str(schedules_file), "demo"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    for step in range(1, 8):
        assert f"[{step}/7]" in result.stderr
    assert result.stderr.count("finished, ") == 2 and "UNHEALTHY" not in result.stderr
    assert "2012-12" in result.stdout and "市发改委" in result.stdout
    assert (tmp_path / "var" / "evidence.sqlite").exists()  # the default database, in cwd

    # The printed numbers are the sample portal's truth for December, department by department.
    truth = SamplePortal(year=demo.year, seed=demo.seed, scale=demo.portal_scale).truth
    report = run(["scoring", "monthly-report", "--month", "2012-12", "--format", "json"], tmp_path)
    assert report.returncode == 0, report.stderr
    rows = next(s for s in json.loads(report.stdout)["sections"] if s["key"] == "departments")
    posts = {row["department"]: row["posts"] for row in rows["rows"]}
    assert posts == {name: truth[(name, "2012-12")] for name in posts}
