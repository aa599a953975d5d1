"""Named unique constraints make re-storing the same observation a no-op."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import FetchedPage
from db.store import BatchInsert, insert_or_ignore
from tests import evidence_factories as make


def test_same_page_observation_stored_twice_leaves_one_row(session: Session) -> None:
    first = make.page(session, "http://x/a.html", b"<p>a</p>")
    values = {
        "url": first.url,
        "final_url": first.url,
        "http_status": 200,
        "sha256": first.sha256,
    }
    assert insert_or_ignore(session, FetchedPage, values, ["url", "sha256"]) is False
    again = session.scalars(select(FetchedPage).where(FetchedPage.url == first.url)).one()
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(FetchedPage)) == 1


def test_plain_duplicate_insert_is_refused_by_the_named_constraint(session: Session) -> None:
    first = make.page(session, "http://x/a.html", b"<p>a</p>")
    session.add(
        FetchedPage(url=first.url, final_url=first.url, http_status=200, sha256=first.sha256)
    )
    with pytest.raises(IntegrityError, match=r"uq_fetched_pages_url_sha256|UNIQUE constraint"):
        session.flush()


def test_a_batch_returns_the_ids_of_new_observations_only(session: Session) -> None:
    body = make.page(session, "http://x/b.html", b"<p>b</p>")
    row = {"url": "http://x/c.html", "final_url": "http://x/c.html", "http_status": 200}
    row["sha256"] = body.sha256
    insert = BatchInsert(
        session.get_bind().dialect.name, FetchedPage.__table__, ["url", "sha256"], ["id"]
    )
    [(first_id,)] = insert(session.connection(), [row])
    assert insert(session.connection(), [row]) == []
    assert session.get(FetchedPage, first_id).url == "http://x/c.html"
    assert session.scalar(select(func.count()).select_from(FetchedPage)) == 2
