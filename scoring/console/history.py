"""A stored page's history: every fetch of its URL with its sha256, and a text diff of two.

A changed date or a removed post is the evidence people ask for: the diff compares the text of
two stored fetches line by line (tags stripped), escaped like every other page of the console.
"""

from __future__ import annotations

import difflib
import re
from html import unescape

from sqlalchemy import select
from starlette.responses import Response

from db.models import FetchedPage
from db.pages import read_page_body
from scoring.console.evidence import visible_page
from scoring.console.i18n import _
from scoring.console.routing import Ctx, HTTPError, page

TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
MAX_DIFF_LINES = 2000


def page_text(ctx: Ctx, fetched: FetchedPage) -> list[str]:
    """The visible text of a stored page, one line per block, blank lines dropped."""
    body = read_page_body(ctx.db, fetched.sha256)
    try:
        html = body.decode(fetched.encoding or "utf-8", errors="replace")
    except LookupError:
        html = body.decode("utf-8", errors="replace")
    text = unescape(TAG.sub("\n", html))
    return [line.strip() for line in text.splitlines() if line.strip()]


def history_page(ctx: Ctx) -> Response:
    shown = visible_page(ctx)
    fetches = list(
        ctx.db.scalars(
            select(FetchedPage)
            .where(FetchedPage.url == shown.url)
            .order_by(FetchedPage.fetched_at, FetchedPage.id)
        )
    )
    by_id = {f.id: f for f in fetches}
    diff: list[str] = []
    older = newer = None
    if "a" in ctx.query and "b" in ctx.query:
        try:
            older, newer = by_id[int(ctx.query["a"])], by_id[int(ctx.query["b"])]
        except (KeyError, ValueError):
            raise HTTPError(400, _("a and b must be fetches of this URL")) from None
        diff = list(
            difflib.unified_diff(
                page_text(ctx, older),
                page_text(ctx, newer),
                f"#{older.id} {older.sha256[:12]}",
                f"#{newer.id} {newer.sha256[:12]}",
                lineterm="",
                n=2,
            )
        )[:MAX_DIFF_LINES]
    return ctx.render(
        "history.html", page=shown, fetches=fetches, diff=diff, older=older, newer=newer
    )


ROUTES = [page("/evidence/{page_id:id}/history", history_page)]
