"""Produce the scheduled reports in-process, one file per format, from one stored score run.

:func:`scoring.api.publish` computes the report once, stores it as a score run (rules version,
evidence cut-off, the report as printed) and writes each format from that one report, so every
file of one scheduled report shows the same numbers. This module only names the report kinds
and their folders.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from db.config import Settings
from scoring.api import PublishedRun, publish
from scoring.reporting.render import REPORT_FORMATS

log = logging.getLogger(__name__)

RUN_BY = "schedules"


class ReportError(RuntimeError):
    """A scheduled report could not be produced; the message says why."""


@dataclass(frozen=True)
class ReportSpec:
    """A scheduled report: its kind (the score run kind), its command name and its folder."""

    kind: str
    command: str
    folder: str


MONTHLY = ReportSpec("monthly", "monthly-report", "monthly")
QUARTERLY = ReportSpec("quarterly", "quarterly-bulletin", "quarterly")


def write_report(
    spec: ReportSpec,
    period: str | None,
    formats: Sequence[str],
    settings: Settings,
    now: dt.datetime | None = None,
) -> PublishedRun:
    """Publish ``spec``'s report for ``period`` (default: the last one ended by ``now``).

    Files go to ``<reports_dir>/<folder>/<period>.<extension>``, one per format.
    """
    unknown = [fmt for fmt in formats if fmt not in REPORT_FORMATS]
    if unknown or not formats:
        raise ReportError(
            f"report formats {unknown or list(formats)} (known: {', '.join(REPORT_FORMATS)})"
        )
    run = publish(
        spec.kind,
        period,
        now,
        formats,
        RUN_BY,
        directory=Path(settings.reports_dir) / spec.folder,
        settings=settings,
    )
    log.info(
        "%s %s stored as score run %s%s, written to %s",
        spec.command,
        run.period,
        run.run_id,
        " (provisional)" if run.provisional else "",
        ", ".join(str(p) for p in run.files),
    )
    return run
