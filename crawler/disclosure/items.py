"""Items of the disclosure spider; :mod:`crawler.disclosure.pipeline` stores them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crawler.evidence import PageId


@dataclass
class DisclosureDocumentItem:
    """A document read from its detail page (the page stored as ``page_id``), as written."""

    url: str
    column_key: str
    title: str
    index_no: str | None
    doc_number: str | None
    issuer_text: str | None
    signed_on: dt.date | None
    published_on: dt.date | None
    validity: str | None
    page_id: PageId
    published_from_list: bool = False
    signed_on_source: str = "none"  # table | body | none: where signed_on was read
    department_hint: str | None = None  # the catalogue's department for the link's column


@dataclass
class SeenDocumentItem:
    """A listed document already stored (``document_id``) or requested by this run (None).

    Only a stored document's ``last_seen_at`` moves.
    """

    url: str
    column_key: str
    document_id: int | None = None
