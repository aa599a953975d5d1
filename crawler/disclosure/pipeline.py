"""Store disclosure documents: 文号 fields, working-day lag, issuer attribution, evidence.

:class:`DisclosureDocumentPipeline` writes one ``disclosure_documents`` row per canonical URL
of a site. At store time:

- the 文号 is parsed (:mod:`db.docnumber`) into prefix, year, seq and the matching key;
- the issuer (发布机构) is resolved through the alias table; a page without an issuer is
  credited to the column's department, if the profile names one. Unresolved names are stored
  and go to the review queue;
- a document stored before keeps its first reading (the evidence); re-crawls move
  ``last_seen_at`` only.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from sqlalchemy import select, update

from crawler.disclosure.items import DisclosureDocumentItem, SeenDocumentItem
from db.attribution import load_resolver
from db.docnumber import parse_doc_number
from db.models import DisclosureDocument, SiteColumn, utcnow
from db.names import NameResolver
from db.workdays import WorkdayCalendar, default_calendar

logger = logging.getLogger(__name__)


class DisclosureDocumentPipeline:
    """Turn :class:`DisclosureDocumentItem` into rows; pass other items on."""

    def __init__(self, calendar: WorkdayCalendar | None = None) -> None:
        self.calendar = calendar or default_calendar()
        self.resolver: NameResolver | None = None
        self.column_departments: dict[str, int | None] | None = None
        self.seen: list[str] = []

    def process_item(self, item: Any, spider: Spider) -> Any:
        recorder = getattr(spider, "recorder", None)
        if recorder is None:
            return item
        if isinstance(item, SeenDocumentItem):
            self.seen.append(item.url)
        elif isinstance(item, DisclosureDocumentItem):
            self.store(recorder, item)
        return item

    def _column_department(self, recorder: Any, column_key: str) -> int | None:
        if self.column_departments is None:
            rows = recorder.session.execute(
                select(SiteColumn.key, SiteColumn.department_id).where(
                    SiteColumn.site_id == recorder.site.id
                )
            )
            self.column_departments = dict(rows.all())
        return self.column_departments.get(column_key)

    def store(self, recorder: Any, item: DisclosureDocumentItem) -> DisclosureDocument:
        session = recorder.session
        if self.resolver is None:
            self.resolver = load_resolver(session)
        stats = recorder.crawler.stats
        now = utcnow()
        document = session.scalar(
            select(DisclosureDocument).where(
                DisclosureDocument.site_id == recorder.site.id,
                DisclosureDocument.url == item.url,
            )
        )
        if document is not None:
            document.last_seen_at = now
            recorder.wrote()
            return document
        found = self.resolver.resolve(item.issuer_text)
        department_id, attribution = found.department_id, found.kind
        if not found.normalized:
            department_id = self._column_department(recorder, item.column_key)
            attribution = "department" if department_id is not None else "unresolved"
        number = parse_doc_number(item.doc_number)
        document = DisclosureDocument(
            site_id=recorder.site.id,
            url=item.url[:1024],
            index_no=_cut(item.index_no, 128),
            doc_number=_cut(item.doc_number, 128),
            doc_number_prefix=_cut(number.prefix if number else None, 64),
            doc_number_year=number.year if number else None,
            doc_number_seq=number.seq if number else None,
            doc_number_key=_cut(number.key if number else None, 128),
            title=item.title[:512],
            issuer_text=_cut(item.issuer_text, 256),
            issuer_normalized=found.normalized[:256] or None,
            department_id=department_id,
            attribution=attribution,
            signed_on=item.signed_on,
            published_on=item.published_on,
            validity=_cut(item.validity, 64),
            column_id=recorder.column_ids[item.column_key],
            first_seen_at=now,
            last_seen_at=now,
            page_id=item.page_id,
            crawl_run_id=recorder.run.id,
        )
        session.add(document)
        session.flush()
        stats.inc_value(f"egov/disclosure/documents/{attribution}")
        recorder.wrote()
        return document

    def close_spider(self, spider: Spider) -> None:
        """Move ``last_seen_at`` of documents listed again whose pages were not re-fetched."""
        recorder = getattr(spider, "recorder", None)
        if recorder is None or recorder.session is None or not self.seen:
            return
        now = utcnow()
        for start in range(0, len(self.seen), 500):
            recorder.session.execute(
                update(DisclosureDocument)
                .where(
                    DisclosureDocument.site_id == recorder.site.id,
                    DisclosureDocument.url.in_(self.seen[start : start + 500]),
                )
                .values(last_seen_at=now)
            )
        recorder.commit()


def _cut(text: str | None, length: int) -> str | None:
    return text[:length] if text else None
