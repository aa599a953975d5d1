"""The shape of the schedules file (``schedules/schedules.toml``), validated as every data file is.

Unknown tables and keys are refused with one line naming the place (``[crawls] › crom: unknown
key``), as :mod:`db.datafiles` does for every file users write.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from db.datafiles import FileModel

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "never"]


class SiteCrawl(FileModel):
    """``[crawls.sites.<key>]``: a site's own schedule, where it differs."""

    cron: str | None = None
    time_limit_seconds: PositiveInt | None = None
    stop_grace_seconds: PositiveInt | None = None
    misfire_grace_seconds: PositiveInt | None = None
    lock_ttl_seconds: PositiveInt | None = None
    lock_renew_seconds: PositiveInt | None = None
    full_walk_day: Weekday | None = None


class Crawls(FileModel):
    """``[crawls]``: the nightly crawl of every site profile (每日监测)."""

    cron: str = "0 2 * * *"
    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    time_limit_seconds: PositiveInt = 14400
    stop_grace_seconds: PositiveInt = 30
    misfire_grace_seconds: PositiveInt = 82800
    lock_ttl_seconds: PositiveInt = 300
    lock_renew_seconds: PositiveInt = 60
    full_walk_day: Weekday = "never"
    shared_process: bool = True
    sites_per_process: PositiveInt = 30  # about what one core keeps up with (schedules/sizing.py)
    sites: dict[str, SiteCrawl] = Field(default_factory=dict)

    def for_site(self, key: str) -> Crawls:
        """These options with the site's own ``[crawls.sites.<key>]`` values over them."""
        own = self.sites.get(key)
        if own is None:
            return self
        return self.model_copy(update=own.model_dump(exclude_none=True))


class Report(FileModel):
    """``[reports.<kind>]``: when a report is written, and in which formats."""

    cron: str
    formats: tuple[Literal["html", "xlsx", "csv", "json"], ...] = ("html",)
    misfire_grace_seconds: PositiveInt = 864000


class Reports(FileModel):
    monthly_report: Report | None = Field(None, alias="monthly-report")
    quarterly_bulletin: Report | None = Field(None, alias="quarterly-bulletin")


class Probes(FileModel):
    cron: str
    time_limit_seconds: PositiveInt = 300
    misfire_grace_seconds: PositiveInt = 3600


class LinkCheck(FileModel):
    cron: str
    time_limit_seconds: PositiveInt = 7200
    stop_grace_seconds: PositiveInt = 30
    misfire_grace_seconds: PositiveInt = 43200


class Letters(FileModel):
    cron: str
    time_limit_seconds: PositiveInt = 1800
    misfire_grace_seconds: PositiveInt = 43200


class Warnings(FileModel):
    cron: str
    misfire_grace_seconds: PositiveInt = 172800


class Inspection(FileModel):
    """``[inspection]``: the national inspection's probes, link checks, letters and warnings."""

    include: tuple[str, ...] = ("*",)
    exclude: tuple[str, ...] = ()
    probes: Probes | None = None
    link_check: LinkCheck | None = Field(None, alias="link-check")
    letters: Letters | None = None
    warnings: Warnings | None = None


class Lanes(FileModel):
    """``[lanes]``: how many jobs of each lane run at once (see docs/deployment.md).

    ``crawls = 0`` sizes the crawl lane from this machine's memory and CPU
    (:func:`schedules.sizing.sites_in_flight`).
    """

    crawls: int = Field(0, ge=0)
    inspection: PositiveInt = 4
    reports: PositiveInt = 2


class Demo(FileModel):
    """``[demo]``: ``schedules demo``, the bundled sample sites crawled end to end."""

    year: int = 2012
    seed: int = 2012
    portal_site: str = "sample-portal"
    disclosure_site: str = "sample-disclosure"
    report_month: str = "2012-12"
    crawl_time_limit_seconds: PositiveInt = 1800
    portal_port: int = 0
    disclosure_port: int = 0
    portal_scale: float = 1.0


class SchedulesFile(FileModel):
    """The whole schedules file."""

    timezone: str = "Asia/Shanghai"
    crawls: Crawls = Crawls()
    reports: Reports = Reports()
    inspection: Inspection = Inspection()
    lanes: Lanes = Lanes()
    demo: Demo = Demo()
