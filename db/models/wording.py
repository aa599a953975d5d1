"""严重错误 candidates: wording hits found in stored pages, and which pages were scanned.

A hit (:class:`WordingFinding`) is a wrong form of the operator's lexicon (``db/data/wording.toml``)
found in the text of a stored page (a post, a document or a column list page), with the sentence
around it and the right form. It counts toward the 严重错误 veto only once a reviewer confirmed
it (:class:`WordingReview`). Each scan is a :class:`WordingScan`, and each page it read is marked
with it, so each crawl's new pages are scanned once.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class WordingReview(enum.StrEnum):
    """A wording hit's review state (复核状态): only ``confirmed`` counts toward the veto."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        """What a reviewer reads: 待复核, 已确认, 已排除."""
        return {"pending": "待复核", "confirmed": "已确认", "dismissed": "已排除"}[self.value]


class PageSource(enum.StrEnum):
    """Why a page was stored: the text of a post, of a document, or a column's list page."""

    POST = "post"
    DOCUMENT = "document"
    COLUMN_PAGE = "column_page"


class WordingScan(Base):
    """One run of the wording scan: which lexicon, over which pages, what it found.

    Each page it read is marked with the run (``fetched_pages.wording_scan_id``): one UPDATE
    per batch of pages, so marking costs next to nothing beside reading the pages.
    """

    __tablename__ = "wording_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), comment="NULL: every site"
    )
    everything: Mapped[bool] = mapped_column(comment="the whole archive, not only new pages")
    lexicon_version: Mapped[str] = mapped_column(String(64), comment="sha256 of the lexicon file")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    pages: Mapped[int] = mapped_column(default=0)
    hits: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<WordingScan {self.id} pages={self.pages} hits={self.hits}>"


class WordingFinding(Base):
    """One wrong form found at one place of a stored page's text (a 严重错误 candidate)."""

    __tablename__ = "wording_findings"
    __table_args__ = (
        UniqueConstraint(
            "page_id", "rule_key", "offset", name="uq_wording_findings_page_id_rule_key_offset"
        ),
        CheckConstraint(allowed_values("review", WordingReview), name="review"),
        CheckConstraint(allowed_values("source", PageSource), name="source"),
        Index("ix_wording_findings_site_id_review", "site_id", "review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("fetched_pages.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(16), comment="post, document or column_page")
    rule_key: Mapped[str] = mapped_column(String(64), comment="the lexicon rule that matched")
    found: Mapped[str] = mapped_column(String(128), comment="the wrong form as the page wrote it")
    right: Mapped[str] = mapped_column(String(128), comment="the right form")
    offset: Mapped[int] = mapped_column(comment="where in the page's text (characters)")
    sentence: Mapped[str] = mapped_column(Text, comment="the sentence around the hit")
    review: Mapped[str] = mapped_column(String(16), default=WordingReview.PENDING)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)
    found_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<WordingFinding {self.id} {self.found!r}→{self.right!r} {self.review}>"
