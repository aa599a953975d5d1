"""Read the schedules file and the site profiles into job specifications.

The schedules file (``schedules/schedules.toml``) is data: which sites are crawled nightly, when
the monthly report (月报) and the quarterly bulletin (通报) are produced, and the demo's settings.
Adding a site profile to the profile directory (``EGOV_SITES_DIR``, default ``crawler/sites/``,
the directory the crawler reads too) adds its nightly crawl without a code change.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from crawler.profiles import sites_dir

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCHEDULES_FILE = Path(__file__).with_name("schedules.toml")

CRAWL_JOB = "schedules.jobs:crawl_site"
REPORT_JOBS = {
    "monthly-report": "schedules.jobs:monthly_report",
    "quarterly-bulletin": "schedules.jobs:quarterly_bulletin",
}


class ScheduleError(ValueError):
    """The schedules file or a site profile is wrong; the message says where."""


@dataclass(frozen=True)
class SiteProfile:
    """What the scheduler needs from a site profile: its key, spider kind, name and URL."""

    key: str
    kind: str
    name: str
    base_url: str
    path: Path

    @property
    def spider(self) -> str:
        return self.kind  # the spiders are named after the site kinds: portal, disclosure


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

    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron, self.timezone)


@dataclass(frozen=True)
class DemoSettings:
    year: int
    seed: int
    portal_site: str
    disclosure_site: str
    report_month: str
    crawl_time_limit_seconds: int
    portal_port: int = 0
    disclosure_port: int = 0
    portal_scale: float = 1.0


@dataclass(frozen=True)
class Schedules:
    """The parsed schedules file."""

    path: Path
    timezone: str
    jobs: tuple[JobSpec, ...]
    demo: DemoSettings

    def job(self, job_id: str) -> JobSpec:
        for spec in self.jobs:
            if spec.id == job_id:
                return spec
        known = ", ".join(spec.id for spec in self.jobs) or "none"
        raise ScheduleError(f"no job {job_id!r} in {self.path} (jobs: {known})")


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(expression, timezone=timezone)
    except ValueError as error:
        raise ScheduleError(f"bad cron expression {expression!r}: {error}") from error


def load_profiles(directory: Path | None = None) -> dict[str, SiteProfile]:
    """Read every ``<key>.toml`` site profile in ``directory`` (default: the profile directory
    in force, :func:`crawler.profiles.sites_dir`), keyed by profile key."""
    profiles: dict[str, SiteProfile] = {}
    for path in sorted((directory or sites_dir()).glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ScheduleError(f"{path}: {error}") from error
        site = data.get("site", {}) if isinstance(data.get("site"), dict) else {}
        kind = data.get("kind") or site.get("kind")
        if kind not in ("portal", "disclosure"):
            raise ScheduleError(f"{path}: kind must be 'portal' or 'disclosure', not {kind!r}")
        profiles[path.stem] = SiteProfile(
            key=path.stem,
            kind=kind,
            name=str(data.get("name") or site.get("name") or path.stem),
            base_url=str(data.get("base_url") or site.get("base_url") or ""),
            path=path,
        )
    return profiles


def load_schedules(
    path: Path = DEFAULT_SCHEDULES_FILE, profiles: dict[str, SiteProfile] | None = None
) -> Schedules:
    """Parse the schedules file; ``profiles`` defaults to those of the profile directory."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ScheduleError(f"cannot read schedules file {path}: {error}") from error
    profiles = load_profiles() if profiles is None else profiles
    timezone = str(data.get("timezone", "Asia/Shanghai"))
    jobs = [*_crawl_jobs(data.get("crawls", {}), profiles, timezone)]
    jobs += _report_jobs(data.get("reports", {}), timezone)
    from schedules.inspection_config import inspection_jobs  # imports this module's JobSpec

    jobs += inspection_jobs(data.get("inspection", {}), profiles, timezone)
    for spec in jobs:
        spec.trigger()  # fail now, not at 02:00
    demo = data.get("demo", {})
    try:
        demo_settings = DemoSettings(
            year=int(demo.get("year", 2012)),
            seed=int(demo.get("seed", 2012)),
            portal_site=str(demo.get("portal_site", "sample-portal")),
            disclosure_site=str(demo.get("disclosure_site", "sample-disclosure")),
            report_month=str(demo.get("report_month", "2012-12")),
            crawl_time_limit_seconds=int(demo.get("crawl_time_limit_seconds", 1800)),
            portal_port=int(demo.get("portal_port", 0)),
            disclosure_port=int(demo.get("disclosure_port", 0)),
            portal_scale=float(demo.get("portal_scale", 1.0)),
        )
    except (TypeError, ValueError) as error:
        raise ScheduleError(f"{path} [demo]: {error}") from error
    return Schedules(path=path, timezone=timezone, jobs=tuple(jobs), demo=demo_settings)


def _crawl_jobs(
    section: dict[str, Any], profiles: dict[str, SiteProfile], timezone: str
) -> list[JobSpec]:
    include = section.get("include", ["*"])
    exclude = section.get("exclude", [])
    overrides = section.get("sites", {})
    unknown = sorted(set(overrides) - set(profiles))
    if unknown:
        raise ScheduleError(f"[crawls.sites] names unknown site profiles: {', '.join(unknown)}")
    specs = []
    for key, profile in profiles.items():
        if not any(fnmatch.fnmatch(key, p) for p in include):
            continue
        if any(fnmatch.fnmatch(key, p) for p in exclude):
            continue
        options = {**section, **overrides.get(key, {})}
        specs.append(
            JobSpec(
                id=f"crawl-{key}",
                func=CRAWL_JOB,
                cron=str(options.get("cron", "0 2 * * *")),
                timezone=timezone,
                misfire_grace_seconds=int(options.get("misfire_grace_seconds", 82800)),
                kwargs={
                    "site_key": key,
                    "time_limit_seconds": int(options.get("time_limit_seconds", 14400)),
                    "stop_grace_seconds": int(options.get("stop_grace_seconds", 30)),
                    "lock_ttl_seconds": int(options.get("lock_ttl_seconds", 300)),
                    "lock_renew_seconds": int(options.get("lock_renew_seconds", 60)),
                    "full_walk_weekday": _weekday(options.get("full_walk_day"), key),
                    "timezone": timezone,
                },
                description=f"nightly crawl of {key} ({profile.kind}: {profile.name})",
            )
        )
    return specs


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekday(name: Any, site_key: str) -> int | None:
    """Turn ``full_walk_day`` (mon…sun, or absent/"never") into 0…6 or None."""
    if name in (None, "never"):
        return None
    if name not in WEEKDAYS:
        raise ScheduleError(
            f"[crawls] full_walk_day for {site_key}: expected one of {', '.join(WEEKDAYS)} "
            f"or never, got {name!r}"
        )
    return WEEKDAYS.index(name)


def _report_jobs(section: dict[str, Any], timezone: str) -> list[JobSpec]:
    specs = []
    for job_id, options in section.items():
        if job_id not in REPORT_JOBS:
            raise ScheduleError(
                f"[reports.{job_id}]: unknown report (known: {', '.join(REPORT_JOBS)})"
            )
        specs.append(
            JobSpec(
                id=job_id,
                func=REPORT_JOBS[job_id],
                cron=str(options["cron"]),
                timezone=timezone,
                misfire_grace_seconds=int(options.get("misfire_grace_seconds", 864000)),
                kwargs={"formats": list(options.get("formats", ["html"]))},
                description=job_id.replace("-", " ") + " for the period just ended",
            )
        )
    return specs
