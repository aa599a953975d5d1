"""What the crawler did: sites and columns, runs, fetched pages with their bytes, quarantine."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, JSONDocument, allowed_values, utcnow

SITE_KINDS = ("portal", "disclosure")


class RunStatus(enum.StrEnum):
    """How a crawl run stands: still running, or how it ended."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    BLOCKED = "blocked"  # an anti-bot challenge stopped it
    KILLED = "killed"  # the process went away; closed by the liveness check


class ColumnStatus(enum.StrEnum):
    """How much of one column one run read: only ``complete`` proves "no posts"."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    FAILED = "failed"
    BLOCKED = "blocked"
    SKIPPED = "skipped"


class PageKind(enum.StrEnum):
    """What a fetched page was to the crawl."""

    LIST = "list"
    DETAIL = "detail"
    OTHER = "other"


class Site(Base):
    """A crawled site, mirrored from its profile file (``crawler/sites/*.toml``)."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("key", name="uq_sites_key"),
        CheckConstraint("kind IN ('portal', 'disclosure')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), comment="profile name, e.g. sx-portal")
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    base_url: Mapped[str] = mapped_column(String(512))
    first_crawled_at: Mapped[dt.datetime | None] = mapped_column(
        comment="end of the first finished crawl; backdating is judged only after it"
    )

    columns: Mapped[list[SiteColumn]] = relationship(back_populates="site")

    def __repr__(self) -> str:
        return f"<Site {self.key} {self.kind}>"


class SiteColumn(Base):
    """A list (栏目) on a site; a disclosure column may belong to one department."""

    __tablename__ = "site_columns"
    __table_args__ = (UniqueConstraint("site_id", "key", name="uq_site_columns_site_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    list_kind: Mapped[str] = mapped_column(String(32), comment="jpage, trs, xxgk or generic")
    url: Mapped[str] = mapped_column(String(1024))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    expects_items: Mapped[bool] = mapped_column(
        default=True, comment="a healthy crawl of this column finds at least one item"
    )
    category: Mapped[str | None] = mapped_column(
        String(32), comment="栏目类别 for the national inspection: dynamic, notice, policy, …"
    )

    site: Mapped[Site] = relationship(back_populates="columns")

    def __repr__(self) -> str:
        return f"<SiteColumn {self.key} ({self.list_kind})>"


class CrawlRun(Base):
    """One crawl of one site: when, how it ended, its stats and whether it was healthy."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(allowed_values("status", RunStatus), name="status"),
        Index("ix_crawl_runs_site_id_started_at", "site_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    spider: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[RunStatus] = mapped_column(String(16), default=RunStatus.RUNNING)
    finish_reason: Mapped[str | None] = mapped_column(String(128))
    healthy: Mapped[bool | None] = mapped_column(comment="NULL while running")
    health_problems: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    host: Mapped[str | None] = mapped_column(String(128), comment="machine the crawl ran on")
    pid: Mapped[int | None] = mapped_column(comment="process id of the crawl on that machine")
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(
        comment="last sign of life of a running crawl; a stale one is closed as killed"
    )

    column_results: Mapped[list[CrawlColumnResult]] = relationship(back_populates="crawl_run")

    def __repr__(self) -> str:
        return f"<CrawlRun {self.id} site={self.site_id} {self.status} healthy={self.healthy}>"


class CrawlColumnResult(Base):
    """Coverage of one column in one run: a failed column is never read as "no posts"."""

    __tablename__ = "crawl_column_results"
    __table_args__ = (
        UniqueConstraint(
            "crawl_run_id", "column_id", name="uq_crawl_column_results_crawl_run_id_column_id"
        ),
        CheckConstraint(allowed_values("status", ColumnStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    column_id: Mapped[int] = mapped_column(ForeignKey("site_columns.id", ondelete="CASCADE"))
    status: Mapped[ColumnStatus] = mapped_column(String(16))
    items_seen: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    oldest_seen: Mapped[dt.date | None] = mapped_column(comment="oldest list date reached")
    newest_seen: Mapped[dt.date | None]
    message: Mapped[str | None] = mapped_column(Text)
    reached_end: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="the walk read the list down to its last page (a full walk)",
    )

    crawl_run: Mapped[CrawlRun] = relationship(back_populates="column_results")
    list_pages: Mapped[list[ColumnWalkPage]] = relationship(
        back_populates="column_result", order_by="ColumnWalkPage.list_index"
    )

    def __repr__(self) -> str:
        return f"<CrawlColumnResult run={self.crawl_run_id} col={self.column_id} {self.status}>"


class ColumnWalkPage(Base):
    """A list page one column walk fetched: the evidence of what the walk could see."""

    __tablename__ = "column_walk_pages"
    __table_args__ = (
        UniqueConstraint(
            "column_result_id",
            "page_id",
            name="uq_column_walk_pages_column_result_id_page_id",
        ),
        Index("ix_column_walk_pages_page_id", "page_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    column_result_id: Mapped[int] = mapped_column(
        ForeignKey("crawl_column_results.id", ondelete="CASCADE")
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("fetched_pages.id", ondelete="CASCADE"))
    list_index: Mapped[int] = mapped_column(comment="0 for the column's first list page")

    column_result: Mapped[CrawlColumnResult] = relationship(back_populates="list_pages")

    def __repr__(self) -> str:
        return f"<ColumnWalkPage result={self.column_result_id} #{self.list_index}>"


class RequestFailure(Base):
    """A request the crawl lost (timeout, redirect loop, body over the cap…), with the reason.

    Every lost request is a row: a column with one is not complete, so a lost list page is never
    read as "no posts".
    """

    __tablename__ = "request_failures"
    __table_args__ = (
        Index("ix_request_failures_crawl_run_id", "crawl_run_id"),
        CheckConstraint(allowed_values("page_kind", PageKind), name="page_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    column_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_columns.id", ondelete="SET NULL")
    )
    url: Mapped[str] = mapped_column(String(1024))
    page_kind: Mapped[PageKind] = mapped_column(String(8), default=PageKind.OTHER)
    reason: Mapped[str] = mapped_column(Text, comment="readable: the message, not a class name")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RequestFailure run={self.crawl_run_id} {self.url} {self.reason[:40]!r}>"


class PageBody(Base):
    """The raw bytes of a response, zlib-compressed, stored once per distinct content."""

    __tablename__ = "page_bodies"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(comment="uncompressed length in bytes")
    compression: Mapped[str] = mapped_column(String(16), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)

    def __repr__(self) -> str:
        return f"<PageBody {self.sha256[:12]} {self.size}B>"


class FetchedPage(Base):
    """One observation of a URL: the evidence behind every stored post and document."""

    __tablename__ = "fetched_pages"
    __table_args__ = (
        UniqueConstraint("url", "sha256", name="uq_fetched_pages_url_sha256"),
        Index("ix_fetched_pages_url", "url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1024))
    final_url: Mapped[str] = mapped_column(String(1024))
    http_status: Mapped[int]
    fetched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(ForeignKey("page_bodies.sha256"))
    content_type: Mapped[str | None] = mapped_column(String(128))
    encoding: Mapped[str | None] = mapped_column(String(32), comment="as detected")
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )

    body: Mapped[PageBody] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<FetchedPage {self.id} {self.http_status} {self.url}>"


class QuarantinedItem(Base):
    """Something the crawler could not turn into evidence, kept with the reason."""

    __tablename__ = "quarantined_items"
    __table_args__ = (Index("ix_quarantined_items_crawl_run_id", "crawl_run_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1024))
    reason: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), comment="body, when it was kept")
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<QuarantinedItem {self.url} {self.reason[:40]!r}>"


class CrawlLock(Base):
    """At most one crawl of a site at a time; a lock past ``expires_at`` may be taken over."""

    __tablename__ = "crawl_locks"

    site_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128), comment="host:pid of the holder")
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]

    def __repr__(self) -> str:
        return f"<CrawlLock {self.site_key} by {self.holder} until {self.expires_at}>"
