"""A scheduled job as data: what the schedules file turns into and the job store holds.

Kept apart from the file reader so that each section's reader (``config``, ``inspection_config``)
imports it without importing the other.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from apscheduler.triggers.cron import CronTrigger


class ScheduleError(ValueError):
    """The schedules file or a site profile is wrong; the message says where."""


class Lane(enum.StrEnum):
    """The executor a job runs on: each lane has its own workers, so none waits behind another.

    Crawls take hours; probes and link checks must run on time whatever the crawls do (a skipped
    probe makes 站点无法访问 unprovable); reports and warnings must not wait behind either.
    """

    CRAWLS = "crawls"
    INSPECTION = "inspection"
    REPORTS = "reports"


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job, as APScheduler will store it."""

    id: str
    func: str
    cron: str
    timezone: str
    misfire_grace_seconds: int
    kwargs: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    lane: Lane = Lane.CRAWLS

    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron, self.timezone)


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """A cron trigger, or :class:`ScheduleError` naming the bad expression."""
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    except ValueError as error:
        raise ScheduleError(f"bad cron expression {expression!r}: {error}") from error


def chosen(keys: Iterable[str], include: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """The keys matching an ``include`` pattern and no ``exclude`` pattern (shell patterns)."""
    return [
        key
        for key in keys
        if any(fnmatch.fnmatch(key, p) for p in include)
        and not any(fnmatch.fnmatch(key, p) for p in exclude)
    ]
