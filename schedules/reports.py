"""Produce the scheduled reports through the ``scoring`` command line, one file per format.

The scoring commands store each report run as a score run (rules version, evidence cut-off,
results), so a scheduled bulletin can be reproduced later; this module only picks the period,
names the files and runs the commands.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from schedules.config import REPO_ROOT

log = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
EXTENSIONS = {"table": "txt", "json": "json", "csv": "csv", "xlsx": "xlsx", "html": "html"}


class ReportError(RuntimeError):
    """A scoring command failed; the message carries its last lines of output."""


@dataclass(frozen=True)
class ReportSpec:
    """A report command and the period option it takes."""

    command: str
    period_option: str
    folder: str


MONTHLY = ReportSpec("monthly-report", "--month", "monthly")
QUARTERLY = ReportSpec("quarterly-bulletin", "--quarter", "quarterly")


def previous_month(now: dt.datetime) -> str:
    """The month that ended before ``now`` in Shanghai time, as ``YYYY-MM``."""
    local = now.astimezone(SHANGHAI)
    first = local.date().replace(day=1)
    last = first - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def previous_quarter(now: dt.datetime) -> str:
    """The quarter that ended before ``now`` in Shanghai time, as ``YYYYQn``."""
    local = now.astimezone(SHANGHAI)
    quarter = (local.month - 1) // 3  # 0-based index of the current quarter
    if quarter == 0:
        return f"{local.year - 1}Q4"
    return f"{local.year}Q{quarter}"


def scoring_command(
    spec: ReportSpec, period: str, fmt: str, output: Path | None, by: str | None = None
) -> list[str]:
    command = [sys.executable, "-m", "scoring", spec.command, spec.period_option, period]
    command += ["--format", fmt]
    if by:
        command += ["--by", by]
    if output is not None:
        command += ["-o", str(output)]
    return command


def write_report(
    spec: ReportSpec,
    period: str,
    formats: Sequence[str],
    reports_dir: Path,
    env: dict[str, str] | None = None,
) -> list[Path]:
    """Write the report for ``period`` in each format under ``reports_dir``; return the files.

    The report is computed once (one stored score run); the other formats re-print that run
    with ``scoring runs show``, so every file of one scheduled report shows the same numbers.
    """
    unknown = [fmt for fmt in formats if fmt not in EXTENSIONS]
    if unknown or not formats:
        raise ReportError(f"report formats {unknown or formats} (known: {', '.join(EXTENSIONS)})")
    folder = reports_dir / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{period}.{EXTENSIONS[fmt]}" for fmt in formats]
    output = run_scoring(scoring_command(spec, period, formats[0], paths[0], by=RUN_BY), env)
    run_id = _stored_run_id(output)
    log.info("%s %s stored as score run %s, written to %s", spec.command, period, run_id, paths[0])
    for fmt, path in zip(formats[1:], paths[1:], strict=True):
        show = ["runs", "show", str(run_id), "--format", fmt, "-o", str(path)]
        run_scoring([sys.executable, "-m", "scoring", *show], env)
        log.info("score run %s re-printed to %s", run_id, path)
    return paths


RUN_BY = "schedules"
_STORED_RUN = re.compile(r"stored as score run (\d+)")


def _stored_run_id(output: str) -> int:
    match = _STORED_RUN.search(output)
    if match is None:
        raise ReportError(f"the scoring command did not say which score run it stored: {output}")
    return int(match.group(1))


def run_scoring(command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a scoring command; return its output (stdout, then stderr) or raise ReportError."""
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise ReportError(f"{' '.join(command[2:])} failed ({result.returncode}): {tail}")
    return result.stdout + result.stderr
