"""The ``[inspection]`` section of the schedules file: probes, link checks, early warnings.

::

    [inspection]
    include = ["*"]                  # site profiles inspected (shell patterns), as for [crawls]
    exclude = ["sample-*"]
    [inspection.probes]              # job probe-<site>: several times a day
    cron = "10 */3 * * *"
    [inspection.link-check]          # job linkcheck-<site>: daily (two failures a day apart)
    cron = "30 4 * * *"
    [inspection.warnings]            # job early-warnings: the mid-month day
    cron = "0 9 20 * *"
    [inspection.letters]             # job letters-<site>: nightly (互动回应差)
    cron = "0 3 * * *"

Each of these tables is optional; without it, its jobs are not scheduled.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from schedules.config import JobSpec, ScheduleError, SiteProfile

PROBE_JOB = "schedules.inspection_jobs:probe_site"
LINK_CHECK_JOB = "schedules.inspection_jobs:check_links"
WARNINGS_JOB = "schedules.inspection_jobs:send_warnings"
LETTERS_JOB = "schedules.letters_job:read_letters"
_TABLES = {"include", "exclude", "probes", "link-check", "warnings", "letters"}


def inspection_jobs(
    section: dict[str, Any], profiles: dict[str, SiteProfile], timezone: str
) -> list[JobSpec]:
    """Job specifications of the ``[inspection]`` section (none when it is absent)."""
    unknown = sorted(set(section) - _TABLES)
    if unknown:
        raise ScheduleError(
            f"[inspection]: unknown key '{unknown[0]}' (expected: {', '.join(sorted(_TABLES))})"
        )
    include, exclude = section.get("include", ["*"]), section.get("exclude", [])
    sites = [
        key
        for key in profiles
        if any(fnmatch.fnmatch(key, p) for p in include)
        and not any(fnmatch.fnmatch(key, p) for p in exclude)
    ]
    specs = []
    if "probes" in section:
        specs += _per_site_jobs(
            sites,
            _options(section["probes"], "probes"),
            timezone,
            job=("probe", PROBE_JOB, 3600),
            limits={"time_limit_seconds": 300},
            description="reachability probes of {key} (home page and chosen columns)",
        )
    if "link-check" in section:
        specs += _per_site_jobs(
            sites,
            _options(section["link-check"], "link-check"),
            timezone,
            job=("linkcheck", LINK_CHECK_JOB, 43200),
            limits={"time_limit_seconds": 7200, "stop_grace_seconds": 30},
            description="link check of {key} (home page and column pages)",
        )
    if "letters" in section:
        specs += _per_site_jobs(
            sites,
            _options(section["letters"], "letters"),
            timezone,
            job=("letters", LETTERS_JOB, 43200),
            limits={"time_limit_seconds": 1800},
            description="letters of {key}'s consultation columns (互动回应差)",
        )
    if "warnings" in section:
        options = _options(section["warnings"], "warnings")
        specs.append(
            JobSpec(
                id="early-warnings",
                func=WARNINGS_JOB,
                cron=str(options["cron"]),
                timezone=timezone,
                misfire_grace_seconds=int(options.get("misfire_grace_seconds", 172800)),
                kwargs={},
                description="mid-month early warnings (月中预警), each finding sent once",
            )
        )
    return specs


def _options(raw: Any, name: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or "cron" not in raw:
        raise ScheduleError(f"[inspection.{name}]: expected a table with a cron expression")
    return raw


def _per_site_jobs(
    sites: list[str],
    options: dict[str, Any],
    timezone: str,
    *,
    job: tuple[str, str, int],
    limits: dict[str, int],
    description: str,
) -> list[JobSpec]:
    """One job a site: ``job`` is (id prefix, function, default misfire grace in seconds);
    ``limits`` the integer options passed to the function, with their defaults."""
    prefix, func, grace = job
    return [
        JobSpec(
            id=f"{prefix}-{key}",
            func=func,
            cron=str(options["cron"]),
            timezone=timezone,
            misfire_grace_seconds=int(options.get("misfire_grace_seconds", grace)),
            kwargs={"site_key": key} | {n: int(options.get(n, d)) for n, d in limits.items()},
            description=description.format(key=key),
        )
        for key in sites
    ]
