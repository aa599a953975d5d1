"""Store disclosure documents: 文号 fields, working-day lag, issuer attribution, evidence.

:class:`DisclosureDocumentPipeline` hands the evidence writer one ``disclosure_documents`` row
per canonical URL of a site (:func:`document_row` is the one place it is built). At store time:

- the 文号 is parsed (:mod:`db.docnumber`) into prefix, year, seq and the matching key;
- ``lag_working_days`` is computed on the statutory calendar (:mod:`db.workdays`); when a
  date lies in a year the calendar does not cover the lag stays NULL, the run's stats count it
  (``egov/disclosure/lag_not_covered``) and the column's coverage message says so: never a
  weekday count;
- the issuer (发布机构) is resolved through the alias table; a page without an issuer is
  credited to the department the profile's catalogue gives the link's column, else to the
  column's department, if the profile names one. Unresolved names are stored and go to the
  review queue;
- a document stored before keeps its first reading (the evidence); re-crawls move
  ``last_seen_at`` only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from scrapy.settings import BaseSettings
from sqlalchemy import select

from crawler.disclosure.items import DisclosureDocumentItem, SeenDocumentItem
from crawler.pipelines import EvidencePipeline
from crawler.recording import CrawlRecording
from db.docnumber import parse_doc_number
from db.models import SiteColumn
from db.workdays import CalendarNotCoveredError, WorkdayCalendar, default_calendar

logger = logging.getLogger(__name__)


def document_row(
    item: DisclosureDocumentItem,
    *,
    site_id: int,
    column_id: int,
    crawl_run_id: int,
    issuer_normalized: str | None,
    department_id: int | None,
    attribution: str,
    lag: int | None,
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
        "lag_working_days": lag,
        "validity": _cut(item.validity, 64),
        "column_id": column_id,
        "first_seen_at": now,
        "last_seen_at": now,
        "page_id": item.page_id,
        "crawl_run_id": crawl_run_id,
    }


class DisclosureDocumentPipeline(EvidencePipeline):
    """Turn :class:`DisclosureDocumentItem` into rows; pass other items on."""

    def __init__(
        self,
        recording: CrawlRecording,
        settings: BaseSettings,
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        super().__init__(recording, settings)
        self.calendar = calendar or default_calendar()
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

    def lag(self, item: DisclosureDocumentItem) -> int | None:
        if item.signed_on is None or item.published_on is None:
            return None
        try:
            return self.calendar.lag_working_days(item.signed_on, item.published_on)
        except CalendarNotCoveredError as error:
            self.recording.crawler.stats.inc_value("egov/disclosure/lag_not_covered")
            self.recording.coverage[item.column_key].note(
                f"lag left empty: no working-day calendar for {error.year}; "
                f"add the year to {error.source}"
            )
            logger.warning("%s: %s", item.url, error)
            return None

    def store_document(self, item: DisclosureDocumentItem) -> None:
        """Buffer the row of a document read from its detail page."""
        recording, writer = self.recording, self.recording.writer
        assert writer is not None
        found = self.resolver.resolve(item.issuer_text)
        department_id, attribution = found.department_id, found.kind
        # No 发布机构 on the page: the catalogue column in the link, else the column, says who.
        hinted = self.resolver.resolve(item.department_hint)
        if not found.normalized and hinted.kind == "department":
            department_id, attribution = hinted.department_id, "department"
        elif not found.normalized:
            department_id = self._column_department(item.column_key)
            attribution = "department" if department_id is not None else "unresolved"
        lag = self.lag(item)
        row = document_row(
            item,
            site_id=recording.site.id,
            column_id=recording.column_ids[item.column_key],
            crawl_run_id=recording.run.id,
            issuer_normalized=found.normalized or None,
            department_id=department_id,
            attribution=attribution,
            lag=lag,
            now=recording.clock(),
        )
        stats = (
            f"egov/disclosure/documents/{attribution}",
            *(("egov/disclosure/documents/undated",) if lag is None else ()),
        )
        writer.document(row, stats)


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else None
