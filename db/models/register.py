"""What departments say they signed, and why some of it was not disclosed (imported from CSV)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class SignedDocument(Base):
    """A row of a department's register of signed documents (发文登记), as exported.

    About one row in ten has no 文号: it is matched to published documents by department,
    signing date and normalised title instead (:mod:`scoring.assessment.register_matching`).
    """

    __tablename__ = "signed_documents"
    __table_args__ = (
        UniqueConstraint(
            "department_id",
            "doc_number_key",
            name="uq_signed_documents_department_id_doc_number_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    doc_number: Mapped[str | None] = mapped_column(String(128), comment="文号 as written")
    doc_number_key: Mapped[str | None] = mapped_column(String(128), comment="NULL: no 文号")
    title: Mapped[str] = mapped_column(String(512))
    signed_on: Mapped[dt.date]
    classified: Mapped[bool] = mapped_column(default=False, comment="涉密: not to be disclosed")
    source_file: Mapped[str] = mapped_column(String(512))
    source_line: Mapped[int]
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<SignedDocument {self.doc_number_key} dept={self.department_id}>"


class NondisclosureExplanation(Base):
    """A department's stated reason (不予公开说明) for not publishing a signed document."""

    __tablename__ = "nondisclosure_explanations"
    __table_args__ = (
        UniqueConstraint(
            "department_id",
            "doc_number_key",
            name="uq_nondisclosure_explanations_department_id_doc_number_key",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    doc_number: Mapped[str] = mapped_column(String(128))
    doc_number_key: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(512))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<NondisclosureExplanation {self.doc_number_key} dept={self.department_id}>"
