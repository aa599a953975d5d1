"""A stored page's history: every fetch of its URL with its sha256, and a diff of two."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib

from db.engine import make_engine, session_scope
from db.models import FetchedPage, PageBody

CHANGED = "<html><body><h1>发改委 三月 动态</h1><p>发布日期：2012-03-09</p></body></html>".encode()


def _refetch(database_url: str, page_id: int) -> int:
    """Store a later fetch of the same URL whose date was changed on the site."""
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            first = session.get(FetchedPage, page_id)
            assert first is not None
            digest = hashlib.sha256(CHANGED).hexdigest()
            session.add(PageBody(sha256=digest, size=len(CHANGED), data=zlib.compress(CHANGED)))
            session.flush()
            later = FetchedPage(
                url=first.url,
                final_url=first.final_url,
                http_status=200,
                sha256=digest,
                content_type="text/html; charset=utf-8",
                encoding="utf-8",
                fetched_at=first.fetched_at + dt.timedelta(days=3),
            )
            session.add(later)
            session.flush()
            return later.id
    finally:
        engine.dispose()


def test_a_page_fetched_twice_shows_both_sha256_and_what_changed(
    open_console, seeded, database_url
):
    first = seeded["scripted_page"]
    later = _refetch(database_url, first)
    client = open_console("rev").client
    assert f'href="/evidence/{first}/history"' in client.get(f"/evidence/{first}").text
    history = client.get(f"/evidence/{first}/history").text
    assert hashlib.sha256(CHANGED).hexdigest() in history and f'href="/evidence/{later}"' in history
    diff = client.get(f"/evidence/{later}/history?a={first}&b={later}").text
    assert '<span class="ins">+发布日期：2012-03-09</span>' in diff
    assert "<script" not in diff.split('class="diff"')[1]  # the stored script is text, escaped
    assert client.get(f"/evidence/{first}/history?a=1&b=x").status_code == 400


def test_a_liaison_sees_no_history_of_another_departments_page(open_console, seeded):
    client = open_console("liaison").client
    assert client.get(f"/evidence/{seeded['scripted_page']}/history").status_code == 404
