"""What the sites showed: portal posts (动态信息) and disclosure documents (公开文件)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow
from db.sqltime import seconds_between


class Attribution(enum.StrEnum):
    """Whom a post or document counts for: a department, an outside source (新华社), nobody yet."""

    DEPARTMENT = "department"
    EXTERNAL = "external"
    UNRESOLVED = "unresolved"


class SignedOnSource(enum.StrEnum):
    """Where a document's signing date was read: the table (成文日期), the body (落款), or none."""

    TABLE = "table"
    BODY = "body"
    NONE = "none"


class DocumentStatus(enum.StrEnum):
    """The verdict on one signed document against its disclosure deadline (5 working days)."""

    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # signed (register or 文号 gap), neither published nor explained
    EXPLAINED = "explained"  # not published, with a reason given
    UNDATED = "undated"  # published without a signing date
    NO_CALENDAR = "no_calendar"  # the working-day calendar does not reach its deadline


_ATTRIBUTION_CHECK = allowed_values("attribution", Attribution)


class PortalPost(Base):
    """A post on the portal, once per canonical URL, with the page it was read from.

    ``identity_key`` is the counting identity: the same article reached through several URLs
    shares one key, and counts use ``COUNT(DISTINCT identity_key)``.
    """

    __tablename__ = "portal_posts"
    __table_args__ = (
        UniqueConstraint("site_id", "canonical_url", name="uq_portal_posts_site_id_canonical_url"),
        CheckConstraint(_ATTRIBUTION_CHECK, name="attribution"),
        Index("ix_portal_posts_department_id_published_month", "department_id", "published_month"),
        Index("ix_portal_posts_identity_key", "identity_key"),
        Index("ix_portal_posts_source_normalized", "source_normalized"),
        Index("ix_portal_posts_first_seen_lag_seconds", "first_seen_lag_seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    canonical_url: Mapped[str] = mapped_column(String(1024))
    title: Mapped[str] = mapped_column(String(512))
    published_at: Mapped[dt.datetime] = mapped_column(comment="as claimed on the page")
    published_month: Mapped[str] = mapped_column(
        String(7), comment="YYYY-MM of published_at in Asia/Shanghai: the month it counts for"
    )
    source_text: Mapped[str | None] = mapped_column(String(256), comment="信息来源 as written")
    source_normalized: Mapped[str | None] = mapped_column(String(256))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    attribution: Mapped[Attribution] = mapped_column(String(16), default=Attribution.UNRESOLVED)
    column_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_columns.id", ondelete="SET NULL"), comment="column first found in"
    )
    identity_key: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    first_seen_lag_seconds: Mapped[int] = mapped_column(
        BigInteger,
        Computed(seconds_between(literal_column("published_at"), literal_column("first_seen_at"))),
        comment="first_seen_at - published_at: how long after its claim the post was first seen "
        "(a fact, not a verdict: backdating is proved from the walks)",
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("fetched_pages.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), comment="run that first stored it"
    )

    def __repr__(self) -> str:
        return f"<PortalPost {self.id} {self.published_month} dept={self.department_id}>"


class PostListing(Base):
    """Each column a post was listed in: the evidence that one article was reached twice."""

    __tablename__ = "post_listings"
    __table_args__ = (
        UniqueConstraint("post_id", "column_id", name="uq_post_listings_post_id_column_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("portal_posts.id", ondelete="CASCADE"))
    column_id: Mapped[int] = mapped_column(ForeignKey("site_columns.id", ondelete="CASCADE"))
    listed_url: Mapped[str] = mapped_column(String(1024), comment="the link as the list gave it")
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisclosureDocument(Base):
    """A document on the disclosure platform (政府信息公开), with its signing and publication dates.

    The dates are stored as read; the working-day lag between them is counted when assessing,
    on the calendar in force (:mod:`scoring.assessment.lags`).
    """

    __tablename__ = "disclosure_documents"
    __table_args__ = (
        UniqueConstraint("site_id", "url", name="uq_disclosure_documents_site_id_url"),
        CheckConstraint(_ATTRIBUTION_CHECK, name="attribution"),
        Index(
            "ix_disclosure_documents_department_id_published_on", "department_id", "published_on"
        ),
        Index("ix_disclosure_documents_doc_number_key", "doc_number_key"),
        Index(
            "ix_disclosure_documents_department_id_doc_number_key",
            "department_id",
            "doc_number_key",
        ),
        Index(  # register rows without a 文号 look for their document by department and day
            "ix_disclosure_documents_department_id_signed_on", "department_id", "signed_on"
        ),
        Index(  # judging a period's documents reads this index alone (dates, unit, evidence)
            "ix_disclosure_documents_signed_on_published_on",
            "signed_on",
            "published_on",
            "department_id",
            "attribution",
            "first_seen_at",
        ),
        Index(  # covers the 文号 gap search: series are read from the index alone
            "ix_disclosure_documents_doc_number_series",
            "doc_number_year",
            "department_id",
            "doc_number_prefix",
            "doc_number_seq",
            "attribution",
            "first_seen_at",
        ),
        CheckConstraint(
            allowed_values("signed_on_source", SignedOnSource), name="signed_on_source"
        ),
        Index("ix_disclosure_documents_issuer_normalized", "issuer_normalized"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1024))
    index_no: Mapped[str | None] = mapped_column(String(128), comment="索引号")
    doc_number: Mapped[str | None] = mapped_column(String(128), comment="文号 as written")
    doc_number_prefix: Mapped[str | None] = mapped_column(String(64))
    doc_number_year: Mapped[int | None]
    doc_number_seq: Mapped[int | None]
    doc_number_key: Mapped[str | None] = mapped_column(
        String(128), comment="normalised 文号: prefix〔year〕seq号"
    )
    title: Mapped[str] = mapped_column(String(512))
    issuer_text: Mapped[str | None] = mapped_column(String(256), comment="发布机构 as written")
    issuer_normalized: Mapped[str | None] = mapped_column(String(256))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )
    attribution: Mapped[Attribution] = mapped_column(String(16), default=Attribution.UNRESOLVED)
    signed_on: Mapped[dt.date | None] = mapped_column(comment="成文日期")
    signed_on_source: Mapped[SignedOnSource] = mapped_column(
        String(8),
        default="none",
        server_default="none",
        comment="where signed_on was read: table (成文日期), body (落款) or none (undated)",
    )
    published_on: Mapped[dt.date | None] = mapped_column(comment="发布日期")
    validity: Mapped[str | None] = mapped_column(String(64), comment="有效性")
    column_id: Mapped[int | None] = mapped_column(
        ForeignKey("site_columns.id", ondelete="SET NULL")
    )
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    page_id: Mapped[int] = mapped_column(ForeignKey("fetched_pages.id"))
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<DisclosureDocument {self.id} {self.doc_number_key} dept={self.department_id}>"
