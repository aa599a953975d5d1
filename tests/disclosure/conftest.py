"""Fixtures of the disclosure area: a database with the registry, and hand-built documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from db.attribution import find_department
from db.docnumber import parse_doc_number
from db.models import DisclosureDocument, FetchedPage, PageBody, SignedDocument, Site
from db.registry import import_registry, load_registry


@pytest.fixture
def registry_session(session: Session) -> Session:
    """A session on a migrated database holding the bundled department registry."""
    import_registry(session, load_registry())
    session.commit()
    return session


def dept_id(session: Session, short_name: str) -> int:
    return find_department(session, short_name).id


DocumentFactory = Callable[..., DisclosureDocument]


@pytest.fixture
def add_document(registry_session: Session) -> DocumentFactory:
    """Add a published document as the crawler would store it (page, body, attribution)."""
    session = registry_session
    site = Site(key="test-xxgk", name="test", kind="disclosure", base_url="http://127.0.0.1:1/")
    session.add(site)
    session.flush()
    counter = iter(range(1, 1_000_000))

    def add(
        department: str | None,
        number: str | None,
        signed: dt.date | None,
        published: dt.date | None,
        url: str | None = None,
    ) -> DisclosureDocument:
        n = next(counter)
        url = url or f"http://127.0.0.1:1/art/{n}.html"
        body = f"<html>{n}</html>".encode()
        digest = hashlib.sha256(body).hexdigest()
        session.add(PageBody(sha256=digest, size=len(body), data=zlib.compress(body)))
        page = FetchedPage(url=url, final_url=url, http_status=200, sha256=digest)
        session.add(page)
        session.flush()
        parsed = parse_doc_number(number)
        row = DisclosureDocument(
            site_id=site.id,
            url=url,
            doc_number=number,
            doc_number_prefix=parsed.prefix if parsed else None,
            doc_number_year=parsed.year if parsed else None,
            doc_number_seq=parsed.seq if parsed else None,
            doc_number_key=parsed.key if parsed else None,
            title=f"document {n}",
            issuer_text=department,
            issuer_normalized=department,
            department_id=dept_id(session, department) if department else None,
            attribution="department" if department else "unresolved",
            signed_on=signed,
            published_on=published,
            page_id=page.id,
        )
        session.add(row)
        session.flush()
        return row

    return add


RegisterFactory = Callable[..., SignedDocument]


@pytest.fixture
def add_register(registry_session: Session) -> RegisterFactory:
    """Add a register row (发文登记) directly."""
    session = registry_session

    def add(
        department: str, number: str, signed: dt.date, classified: bool = False
    ) -> SignedDocument:
        parsed = parse_doc_number(number)
        assert parsed is not None
        row = SignedDocument(
            department_id=dept_id(session, department),
            doc_number=number,
            doc_number_key=parsed.key,
            title=f"register {number}",
            signed_on=signed,
            classified=classified,
            source_file="hand-built",
            source_line=0,
        )
        session.add(row)
        session.flush()
        return row

    return add
