"""Store disclosure documents: 文号 fields, issuer attribution, evidence.

:class:`DisclosureDocumentPipeline` hands the evidence writer one ``disclosure_documents`` row
per canonical URL of a site (:func:`document_row` is the one place it is built). At store time:

- the 文号 is parsed (:mod:`db.docnumber`) into prefix, year, seq and the matching key;
- the signing and publication dates are stored as read (observations only): lags and on-time
  verdicts are derived by the assessment from the calendar in force
  (:mod:`scoring.assessment.lags`), so a
  calendar correction reaches every stored document on the next report;
- the issuer (发布机构) is resolved through the alias table; a page without an issuer is
  credited to the department the profile's catalogue gives the link's column, else to the
  column's department, if the profile names one. Unresolved names are stored and go to the
  review queue;
- a document stored before keeps its first reading (the evidence); re-crawls move
  ``last_seen_at`` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy.settings import BaseSettings
from sqlalchemy import select

from crawler.disclosure.items import DisclosureDocumentItem, SeenDocumentItem
from crawler.pipelines import EvidencePipeline
from crawler.recording import CrawlRecording
from db.docnumber import parse_doc_number
from db.models import Attribution, SiteColumn


def document_row(
    item: DisclosureDocumentItem,
    *,
    site_id: int,
    column_id: int,
    crawl_run_id: int,
    issuer_normalized: str | None,
    department_id: int | None,
    attribution: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Return the ``disclosure_documents`` row of a document read for the first time."""
    number = parse_doc_number(item.doc_number)
    return {
        "site_id": site_id,
        "url": item.url[:1024],
        "index_no": _cut(item.index_no, 128),
        "doc_number": _cut(item.doc_number, 128),
        "doc_number_prefix": _cut(number.prefix if number else None, 64),
        "doc_number_year": number.year if number else None,
        "doc_number_seq": number.seq if number else None,
        "doc_number_key": _cut(number.key if number else None, 128),
        "title": item.title[:512],
        "issuer_text": _cut(item.issuer_text, 256),
        "issuer_normalized": _cut(issuer_normalized, 256),
        "department_id": department_id,
        "attribution": attribution,
        "signed_on": item.signed_on,
        "signed_on_source": item.signed_on_source,
        "published_on": item.published_on,
        "validity": _cut(item.validity, 64),
        "column_id": column_id,
        "first_seen_at": now,
        "last_seen_at": now,
        "page_id": item.page_id,
        "crawl_run_id": crawl_run_id,
    }


class DisclosureDocumentPipeline(EvidencePipeline):
    """Turn :class:`DisclosureDocumentItem` into rows; pass other items on."""

    def __init__(self, recording: CrawlRecording, settings: BaseSettings) -> None:
        super().__init__(recording, settings)
        self.column_departments: dict[str, int | None] | None = None

    def store(self, item: Any) -> None:
        writer = self.recording.writer
        assert writer is not None
        if isinstance(item, SeenDocumentItem):
            if item.document_id is not None:
                writer.document_seen(item.document_id)
        elif isinstance(item, DisclosureDocumentItem):
            self.store_document(item)

    def _column_department(self, column_key: str) -> int | None:
        if self.column_departments is None:
            recording = self.recording
            assert recording.session is not None
            rows = recording.session.execute(
                select(SiteColumn.key, SiteColumn.department_id).where(
                    SiteColumn.site_id == recording.site.id
                )
            )
            self.column_departments = dict(rows.all())
        return self.column_departments.get(column_key)

    def store_document(self, item: DisclosureDocumentItem) -> None:
        """Buffer the row of a document read from its detail page."""
        recording, writer = self.recording, self.recording.writer
        assert writer is not None
        found = self.resolver.resolve(item.issuer_text)
        department_id, attribution = found.department_id, found.kind
        # No 发布机构 on the page: the catalogue column in the link, else the column, says who.
        hinted = self.resolver.resolve(item.department_hint)
        if not found.normalized and hinted.kind == Attribution.DEPARTMENT:
            department_id, attribution = hinted.department_id, "department"
        elif not found.normalized:
            department_id = self._column_department(item.column_key)
            attribution = "department" if department_id is not None else "unresolved"
        row = document_row(
            item,
            site_id=recording.site.id,
            column_id=recording.column_ids[item.column_key],
            crawl_run_id=recording.run.id,
            issuer_normalized=found.normalized or None,
            department_id=department_id,
            attribution=attribution,
            now=recording.clock(),
        )
        undated = item.signed_on is None or item.published_on is None
        stats = (
            f"egov/disclosure/documents/{attribution}",
            *(("egov/disclosure/documents/undated",) if undated else ()),
        )
        writer.document(row, stats)


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else None
