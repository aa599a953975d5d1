"""Assessed units (departments 部门 and counties 县市区), their aliases and the review queue."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, JSONDocument, allowed_values, utcnow


class UnitKind(enum.StrEnum):
    """An assessed unit: a city department (部门, Annex 2) or a county (县市区, Annex 1)."""

    DEPARTMENT = "department"
    COUNTY = "county"


class AliasSource(enum.StrEnum):
    """Where an alias came from: the departments file, or an analyst's review."""

    REGISTRY = "registry"
    ANALYST = "analyst"


class NameStatus(enum.StrEnum):
    """An unresolved name in the review queue: open, resolved to a unit, or ignored."""

    OPEN = "open"
    RESOLVED = "resolved"
    IGNORED = "ignored"


class Department(Base):
    """A unit assessed under one rubric: a city department (Annex 2) or a county (Annex 1)."""

    __tablename__ = "departments"
    __table_args__ = (
        UniqueConstraint("short_name", name="uq_departments_short_name"),
        CheckConstraint(allowed_values("kind", UnitKind), name="kind"),
        CheckConstraint("tier IS NULL OR tier IN (1, 2, 3)", name="tier"),
        CheckConstraint("kind = 'county' OR tier IS NOT NULL", name="department_has_tier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    short_name: Mapped[str] = mapped_column(String(64), comment="简称 as in Annex 3")
    full_name: Mapped[str] = mapped_column(String(128), comment="official full name of 2012")
    kind: Mapped[UnitKind] = mapped_column(String(16), default=UnitKind.DEPARTMENT)
    tier: Mapped[int | None] = mapped_column(comment="档: 1, 2 or 3 (portal quota 12/5/2)")
    is_liaison_office: Mapped[bool] = mapped_column(default=False, comment="驻外联络处 (※ exempt)")
    is_financial_institution: Mapped[bool] = mapped_column(default=False, comment="※ exempt")
    is_city_enterprise: Mapped[bool] = mapped_column(default=False, comment="市属企业 (※ exempt)")
    has_no_approval_items: Mapped[bool] = mapped_column(default=False, comment="▲ exempt")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    aliases: Mapped[list[DepartmentAlias]] = relationship(
        back_populates="department", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Department {self.short_name} tier={self.tier} kind={self.kind}>"


class DepartmentAlias(Base):
    """One way a page may name a unit, stored normalised (see :mod:`db.names`)."""

    __tablename__ = "department_aliases"
    __table_args__ = (UniqueConstraint("normalized", name="uq_department_aliases_normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(128), comment="as entered")
    normalized: Mapped[str] = mapped_column(String(128))
    source: Mapped[AliasSource] = mapped_column(String(16), default=AliasSource.REGISTRY)
    added_by: Mapped[str | None] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship(back_populates="aliases")

    def __repr__(self) -> str:
        return f"<DepartmentAlias {self.alias!r} -> {self.department_id}>"


class ExternalSource(Base):
    """A source that is nobody's department (新华社, 浙江日报): stored, counted for nobody."""

    __tablename__ = "external_sources"
    __table_args__ = (UniqueConstraint("normalized", name="uq_external_sources_normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    normalized: Mapped[str] = mapped_column(String(128))

    def __repr__(self) -> str:
        return f"<ExternalSource {self.name}>"


class UnresolvedName(Base):
    """A source or issuer name that matched no unit: the analysts' review queue."""

    __tablename__ = "unresolved_names"
    __table_args__ = (
        UniqueConstraint("normalized", name="uq_unresolved_names_normalized"),
        CheckConstraint(allowed_values("status", NameStatus), name="status"),
        Index("ix_unresolved_names_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    normalized: Mapped[str] = mapped_column(String(256))
    example_text: Mapped[str] = mapped_column(String(256), comment="one spelling as written")
    example_urls: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    occurrences: Mapped[int] = mapped_column(default=0)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[NameStatus] = mapped_column(String(16), default=NameStatus.OPEN)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<UnresolvedName {self.example_text!r} x{self.occurrences} {self.status}>"
