"""Produce the scheduled reports through the ``scoring`` command line, one file per format.

The scoring commands store each report run as a score run (rules version, evidence cut-off,
results), so a scheduled bulletin can be reproduced later; this module only picks the period,
names the files and runs the commands.
"""

from __future__ import annotations

import datetime as dt
import logging
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


def scoring_command(spec: ReportSpec, period: str, fmt: str, output: Path | None) -> list[str]:
    command = [sys.executable, "-m", "scoring", spec.command, spec.period_option, period]
    command += ["--format", fmt]
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
    """Write the report for ``period`` once per format under ``reports_dir``; return the files."""
    folder = reports_dir / spec.folder
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        if fmt not in EXTENSIONS:
            raise ReportError(f"unknown report format {fmt!r} (known: {', '.join(EXTENSIONS)})")
        path = folder / f"{period}.{EXTENSIONS[fmt]}"
        run_scoring(scoring_command(spec, period, fmt, path), env)
        log.info("wrote %s %s to %s", spec.command, period, path)
        written.append(path)
    return written


def run_scoring(command: list[str], env: dict[str, str] | None = None) -> str:
    """Run a scoring command; return its standard output or raise :class:`ReportError`."""
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise ReportError(f"{' '.join(command[2:])} failed ({result.returncode}): {tail}")
    return result.stdout
