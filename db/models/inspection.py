"""What the national inspection measures: reachability probes, link checks, warnings sent.

The probe and link-check spiders write these tables (the crawl tables stay the walk's own);
the inspection (``scoring inspection``) reads them with the column walks already stored, and
``scoring warnings send`` records here each early warning it delivered, so none is sent twice.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class ErrorKind(enum.StrEnum):
    """Why a probe or a link check got nothing usable."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"
    DNS = "dns"
    BLOCKED = "blocked"
    ROBOTS = "robots"
    REFUSED_REDIRECT = "refused_redirect"
    OTHER = "other"


# Not the site's failure: an anti-bot challenge, robots.txt forbidding the check, a redirect off
# the site. Never counted as the site down nor as a broken link.
NOT_AGAINST_THE_SITE = (ErrorKind.BLOCKED, ErrorKind.ROBOTS, ErrorKind.REFUSED_REDIRECT)


class LinkKind(enum.StrEnum):
    PAGE = "page"
    IMAGE = "image"
    ATTACHMENT = "attachment"


class LinkOutcome(enum.StrEnum):
    """A checked link: ``skipped`` is never counted as broken."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"


class CheckRunStatus(enum.StrEnum):
    """How a link check run stands: still running, or how it ended."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    KILLED = "killed"


class DeliveryStatus(enum.StrEnum):
    """A stored warning delivery: sent, or failed (tried again next time)."""

    SENT = "sent"
    FAILED = "failed"


class ProbeResult(Base):
    """One load of a site's home page or a chosen column (可访问性监测), as it went.

    ``http_status`` is the final status after redirects (NULL when nothing answered);
    ``latency_seconds`` the whole load, request to last byte; ``error`` what went wrong when
    nothing usable answered. ``newest_item_on`` is the newest item date the home page showed.
    """

    __tablename__ = "probe_results"
    __table_args__ = (
        UniqueConstraint(
            "site_id", "target", "probed_at", name="uq_probe_results_site_id_target_probed_at"
        ),
        Index("ix_probe_results_site_id_probed_at", "site_id", "probed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(64), comment="'home' or a column key")
    url: Mapped[str] = mapped_column(String(1024), comment="the URL really requested")
    probed_at: Mapped[dt.datetime] = mapped_column(comment="when the request was sent")
    http_status: Mapped[int | None]
    latency_seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[ErrorKind | None] = mapped_column(
        String(32), comment="timeout, connection, …"
    )
    newest_item_on: Mapped[dt.date | None] = mapped_column(comment="home page: newest item date")
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL"), comment="the body served, if any"
    )

    def __repr__(self) -> str:
        return f"<ProbeResult {self.target} {self.probed_at} {self.http_status} {self.error_kind}>"


class LinkCheckRun(Base):
    """One link check of a site (链接可用性检查): pages scanned, links checked, how it ended."""

    __tablename__ = "link_check_runs"
    __table_args__ = (
        CheckConstraint(allowed_values("status", CheckRunStatus), name="status"),
        Index("ix_link_check_runs_site_id_finished_at", "site_id", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[CheckRunStatus] = mapped_column(String(16), default=CheckRunStatus.RUNNING)
    finish_reason: Mapped[str | None] = mapped_column(String(128))
    pages_scanned: Mapped[int] = mapped_column(default=0)
    links_checked: Mapped[int] = mapped_column(default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"<LinkCheckRun {self.id} site={self.site_id} {self.status}>"


class LinkCheck(Base):
    """One link found on a scanned page and checked once (HEAD, then GET if HEAD failed).

    ``internal``: the link is on one of the site's own hosts (its object storage included).
    ``outcome``: ``ok``, ``failed`` (an HTTP error or no answer on GET) or ``skipped`` (not
    checked: robots.txt, an anti-bot challenge, a per-host limit; never counted as broken).
    """

    __tablename__ = "link_checks"
    __table_args__ = (
        UniqueConstraint("run_id", "url", name="uq_link_checks_run_id_url"),
        CheckConstraint(allowed_values("kind", LinkKind), name="kind"),
        CheckConstraint(allowed_values("outcome", LinkOutcome), name="outcome"),
        Index("ix_link_checks_site_id_url_checked_at", "site_id", "url", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_check_runs.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1024))
    kind: Mapped[LinkKind] = mapped_column(String(16))
    internal: Mapped[bool]
    on_home: Mapped[bool] = mapped_column(comment="found on the home page")
    found_on: Mapped[str] = mapped_column(String(1024), comment="the page it was found on")
    found_on_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL")
    )
    checked_at: Mapped[dt.datetime]
    method: Mapped[str | None] = mapped_column(String(8), comment="the request that decided")
    http_status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[ErrorKind | None] = mapped_column(String(32))
    outcome: Mapped[LinkOutcome] = mapped_column(String(16))

    def __repr__(self) -> str:
        return f"<LinkCheck {self.outcome} {self.http_status} {self.url}>"


class WarningDelivery(Base):
    """An early warning (预警) finding delivered, or tried, to one notification target."""

    __tablename__ = "warning_deliveries"
    __table_args__ = (
        UniqueConstraint("finding_key", "target", name="uq_warning_deliveries_finding_key_target"),
        CheckConstraint(allowed_values("status", DeliveryStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(255), comment="what the finding is about")
    target: Mapped[str] = mapped_column(String(64), comment="target name in the notify file")
    kind: Mapped[str] = mapped_column(String(32), comment="quota, column or register")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=1)
    first_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<WarningDelivery {self.finding_key} -> {self.target} {self.status}>"
