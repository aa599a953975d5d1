"""The ``[inspection]`` section of the schedules file: probes, link checks, early warnings.

::

    [inspection]
    include = ["*"]                  # site profiles inspected (shell patterns), as for [crawls]
    [inspection.probes]              # job probe-<site>: several times a day
    cron = "10 */3 * * *"
    [inspection.link-check]          # job linkcheck-<site>: daily (two failures a day apart)
    cron = "30 4 * * *"
    [inspection.warnings]            # job early-warnings: the mid-month day
    cron = "0 9 20 * *"
    [inspection.letters]             # job letters-<site>: nightly (互动回应差)
    cron = "0 3 * * *"

Each of these tables is optional; without it, its jobs are not scheduled. Probes, link checks
and letters run on the inspection lane, never behind crawls; the warnings on the reports lane.
"""

from __future__ import annotations

from collections.abc import Iterable

from schedules.jobspec import JobSpec, Lane, chosen
from schedules.schedules_file import Inspection, Letters, LinkCheck, Probes, Warnings

PROBE_JOB = "schedules.inspection_jobs:probe_site"
LINK_CHECK_JOB = "schedules.inspection_jobs:check_links"
WARNINGS_JOB = "schedules.inspection_jobs:send_warnings"
LETTERS_JOB = "schedules.letters_job:read_letters"


def inspection_jobs(section: Inspection, profiles: Iterable[str], timezone: str) -> list[JobSpec]:
    """Job specifications of the ``[inspection]`` section (none when it is absent)."""
    sites = chosen(profiles, section.include, section.exclude)
    specs = []
    if section.probes is not None:
        probes = section.probes
        specs += _per_site(
            "probe",
            PROBE_JOB,
            probes,
            sites,
            timezone,
            "reachability probes of {key} (home page and chosen columns)",
            time_limit_seconds=probes.time_limit_seconds,
        )
    if section.link_check is not None:
        check = section.link_check
        specs += _per_site(
            "linkcheck",
            LINK_CHECK_JOB,
            check,
            sites,
            timezone,
            "link check of {key} (home page and column pages)",
            time_limit_seconds=check.time_limit_seconds,
            stop_grace_seconds=check.stop_grace_seconds,
        )
    if section.letters is not None:
        letters = section.letters
        specs += _per_site(
            "letters",
            LETTERS_JOB,
            letters,
            sites,
            timezone,
            "letters of {key}'s consultation columns (互动回应差)",
            time_limit_seconds=letters.time_limit_seconds,
        )
    if section.warnings is not None:
        specs.append(_warnings_job(section.warnings, timezone))
    return specs


def _per_site(
    prefix: str,
    func: str,
    table: Probes | LinkCheck | Letters,
    sites: list[str],
    timezone: str,
    description: str,
    **limits: int,
) -> list[JobSpec]:
    """One job ``<prefix>-<site>`` a site, on the inspection lane, at the table's times."""
    return [
        JobSpec(
            id=f"{prefix}-{key}",
            func=func,
            cron=table.cron,
            timezone=timezone,
            misfire_grace_seconds=table.misfire_grace_seconds,
            kwargs={"site_key": key, **limits},
            description=description.format(key=key),
            lane=Lane.INSPECTION,
        )
        for key in sites
    ]


def _warnings_job(warnings: Warnings, timezone: str) -> JobSpec:
    return JobSpec(
        id="early-warnings",
        func=WARNINGS_JOB,
        cron=warnings.cron,
        timezone=timezone,
        misfire_grace_seconds=warnings.misfire_grace_seconds,
        kwargs={},
        description="mid-month early warnings (月中预警), each finding sent once",
        lane=Lane.REPORTS,
    )
