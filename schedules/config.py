"""Read the schedules file and the site profiles into job specifications.

The schedules file (``schedules/schedules.toml``) is data: which sites are crawled nightly, when
the monthly report (月报) and the quarterly bulletin (通报) are produced, how many jobs of each lane
run at once, and the demo's settings. Adding a site profile to the profile directory
(``EGOV_SITES_DIR``, default ``crawler/sites/``) adds its nightly crawl without a code change:
profiles are read by the crawler's own reader, so a profile the crawler refuses is refused here,
before it is scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crawler.profiles import ProfileError, SiteProfile
from crawler.profiles import load_profiles as read_profiles
from db.datafiles import DataFileError, load
from schedules.environment import REPO_ROOT
from schedules.inspection_config import inspection_jobs
from schedules.jobspec import JobSpec, Lane, ScheduleError, chosen, cron_trigger
from schedules.schedules_file import Crawls, Demo, Lanes, Reports, SchedulesFile

__all__ = ["REPO_ROOT", "JobSpec", "Lane", "ScheduleError", "SiteProfile", "cron_trigger"]

DEFAULT_SCHEDULES_FILE = Path(__file__).with_name("schedules.toml")

CRAWL_JOB = "schedules.jobs:crawl_site"
REPORT_JOBS = {
    "monthly_report": ("monthly-report", "schedules.jobs:monthly_report"),
    "quarterly_bulletin": ("quarterly-bulletin", "schedules.jobs:quarterly_bulletin"),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DemoSettings = Demo  # the [demo] table, as `schedules demo` reads it


@dataclass(frozen=True)
class Schedules:
    """The parsed schedules file."""

    path: Path
    timezone: str
    jobs: tuple[JobSpec, ...]
    demo: Demo
    lanes: Lanes

    def job(self, job_id: str) -> JobSpec:
        for spec in self.jobs:
            if spec.id == job_id:
                return spec
        known = ", ".join(spec.id for spec in self.jobs) or "none"
        raise ScheduleError(f"no job {job_id!r} in {self.path} (jobs: {known})")


def load_profiles(directory: Path | None = None) -> dict[str, SiteProfile]:
    """The crawler's profiles of ``directory`` (:func:`crawler.profiles.load_profiles`), by key;
    a malformed one is a :class:`ScheduleError` naming it."""
    try:
        return read_profiles(directory)
    except ProfileError as error:
        raise ScheduleError(str(error)) from error


def load_schedules(
    path: Path = DEFAULT_SCHEDULES_FILE, profiles: dict[str, SiteProfile] | None = None
) -> Schedules:
    """Parse the schedules file; ``profiles`` defaults to those of the profile directory."""
    try:
        data = load(SchedulesFile, path)
    except DataFileError as error:
        raise ScheduleError(str(error)) from error
    profiles = load_profiles() if profiles is None else profiles
    timezone = data.timezone
    jobs = [
        *crawl_jobs(data.crawls, profiles, timezone),
        *report_jobs(data.reports, timezone),
        *inspection_jobs(data.inspection, profiles, timezone),
    ]
    for spec in jobs:
        spec.trigger()  # fail now, not at 02:00
    return Schedules(path, timezone, tuple(jobs), data.demo, data.lanes)


def crawl_jobs(crawls: Crawls, profiles: dict[str, SiteProfile], timezone: str) -> list[JobSpec]:
    """One nightly crawl job per chosen site profile."""
    unknown = sorted(set(crawls.sites) - set(profiles))
    if unknown:
        raise ScheduleError(f"[crawls.sites] names unknown site profiles: {', '.join(unknown)}")
    specs = []
    for key in chosen(profiles, crawls.include, crawls.exclude):
        options = crawls.for_site(key)
        profile = profiles[key]
        specs.append(
            JobSpec(
                id=f"crawl-{key}",
                func=CRAWL_JOB,
                cron=options.cron,
                timezone=timezone,
                misfire_grace_seconds=options.misfire_grace_seconds,
                kwargs={
                    "site_key": key,
                    "time_limit_seconds": options.time_limit_seconds,
                    "stop_grace_seconds": options.stop_grace_seconds,
                    "lock_ttl_seconds": options.lock_ttl_seconds,
                    "lock_renew_seconds": options.lock_renew_seconds,
                    "full_walk_weekday": weekday(options.full_walk_day),
                    "timezone": timezone,
                    "shared_process": crawls.shared_process,
                    "sites_per_process": crawls.sites_per_process,
                },
                description=f"nightly crawl of {key} ({profile.kind}: {profile.name})",
                lane=Lane.CRAWLS,
            )
        )
    return specs


def weekday(name: str) -> int | None:
    """Turn ``full_walk_day`` (mon…sun, or "never") into 0…6 or None."""
    return None if name == "never" else WEEKDAYS.index(name)


def report_jobs(reports: Reports, timezone: str) -> list[JobSpec]:
    """The monthly report and quarterly bulletin jobs the file asks for."""
    specs = []
    for field_name, (job_id, func) in REPORT_JOBS.items():
        options = getattr(reports, field_name)
        if options is None:
            continue
        specs.append(
            JobSpec(
                id=job_id,
                func=func,
                cron=options.cron,
                timezone=timezone,
                misfire_grace_seconds=options.misfire_grace_seconds,
                kwargs={"formats": list(options.formats)},
                description=job_id.replace("-", " ") + " for the period just ended",
                lane=Lane.REPORTS,
            )
        )
    return specs
