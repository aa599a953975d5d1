"""Letters (信件) of the interactive columns: what 互动回应差 is judged on.

A consultation column (政务咨询类栏目: 书记/市长信箱, 部门信箱, 咨询投诉) is read by the ``letters``
spider. Each walk of it is a :class:`LetterWalk` (read whole or not, and whether its submission
form could be seen); each letter is a :class:`Letter`, once per column and URL, with the list
and detail pages it was read from. A letter's state is the latest one seen; its dates say
what it was on an earlier day (a reply dated after that day was not there yet).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, allowed_values, utcnow


class LetterChannel(enum.StrEnum):
    """What kind of consultation column (政务咨询类栏目) a letter column is."""

    LEADER_MAILBOX = "leader_mailbox"  # 书记信箱、市长信箱
    DEPARTMENT_MAILBOX = "department_mailbox"  # 部门信箱
    COMPLAINT = "complaint"  # 咨询投诉


class LetterLayout(enum.StrEnum):
    """How a letter column's pages are laid out."""

    HANWEB = "hanweb"  # Hanweb (大汉) letter list and detail table with labelled cells
    GENERIC = "generic"  # a list read with the profile's selectors


class LetterStatus(enum.StrEnum):
    """A letter's 状态 as the site shows it."""

    ANSWERED = "answered"  # 已回复、已办结、已答复
    IN_PROGRESS = "in_progress"  # 办理中、处理中、已受理
    UNANSWERED = "unanswered"  # 未回复、待回复、未办理


class FormState(enum.StrEnum):
    """Whether a consultation column's submission form (写信) could be seen, without submitting."""

    FORM = "form"  # a page with a form that has fields to fill
    NO_FORM = "no_form"  # the page answered, with no usable form
    FORM_ERROR = "form_error"  # the form page answered an HTTP error or nothing at all
    NOT_LOOKED = "not_looked"  # the profile names no form page


class LetterColumn(Base):
    """A consultation column of a site, as its profile's ``[[letters.column]]`` describes it."""

    __tablename__ = "letter_columns"
    __table_args__ = (
        UniqueConstraint("site_id", "key", name="uq_letter_columns_site_id_key"),
        CheckConstraint(allowed_values("channel", LetterChannel), name="channel"),
        CheckConstraint(allowed_values("layout", LetterLayout), name="layout"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(String(1024), comment="the list page, on the declared base")
    layout: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), comment="the department answering"
    )
    lists_unanswered: Mapped[bool] = mapped_column(
        default=True, comment="false: the site publishes answered letters only"
    )

    def __repr__(self) -> str:
        return f"<LetterColumn {self.key} ({self.channel})>"


class LetterWalk(Base):
    """One reading of a letter column: its list read whole or not, and its form page."""

    __tablename__ = "letter_walks"
    __table_args__ = (
        CheckConstraint(allowed_values("form_state", FormState), name="form_state"),
        Index("ix_letter_walks_column_id_walked_at", "column_id", "walked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    column_id: Mapped[int] = mapped_column(ForeignKey("letter_columns.id", ondelete="CASCADE"))
    walked_at: Mapped[dt.datetime] = mapped_column(comment="when the walk started")
    complete: Mapped[bool] = mapped_column(comment="every list page and letter read")
    list_pages: Mapped[int] = mapped_column(default=0)
    letters_listed: Mapped[int] = mapped_column(default=0)
    problem: Mapped[str | None] = mapped_column(Text, comment="why the walk is not complete")
    list_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL"), comment="the first list page"
    )
    form_state: Mapped[str] = mapped_column(String(16))
    form_url: Mapped[str | None] = mapped_column(String(1024))
    form_http_status: Mapped[int | None]
    form_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<LetterWalk {self.id} column={self.column_id} complete={self.complete}>"


class Letter(Base):
    """A letter (信件) of a consultation column, as last seen, with its pages."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("column_id", "url", name="uq_letters_column_id_url"),
        CheckConstraint(allowed_values("status", LetterStatus), name="status"),
        Index("ix_letters_site_id_submitted_on", "site_id", "submitted_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    column_id: Mapped[int] = mapped_column(ForeignKey("letter_columns.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(1024), comment="the detail page")
    title: Mapped[str] = mapped_column(String(512))
    submitted_on: Mapped[dt.date] = mapped_column(comment="来信时间、提交时间")
    status: Mapped[str] = mapped_column(String(16), comment="状态 as last seen")
    status_text: Mapped[str | None] = mapped_column(String(32), comment="状态 as written")
    replied_on: Mapped[dt.date | None] = mapped_column(comment="回复时间")
    reply_unit: Mapped[str | None] = mapped_column(String(256), comment="回复单位 as written")
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), comment="who owns it: 回复单位 or column"
    )
    page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL"), comment="the detail page read"
    )
    list_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetched_pages.id", ondelete="SET NULL"), comment="the list page it was on"
    )
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.submitted_on} {self.status}>"
