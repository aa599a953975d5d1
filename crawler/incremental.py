"""Incremental crawling: skip what is stored, stop walking lists once past known posts.

Lists are walked newest first. :class:`ListWalk` says whether to fetch the next list page:
after ``overlap`` consecutive pages with nothing new, the walk stops (``full`` walks every
page anyway, still fetching only unknown details: run it now and then to catch posts
inserted deep in a list, e.g. backdated ones). :func:`known_urls` loads the URLs already
stored for a site from any evidence table (portal posts, disclosure documents).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session


def known_urls(
    session: Session, url_column: InstrumentedAttribute[str], site_column: object, site_id: int
) -> set[str]:
    """Return the URLs stored for a site, e.g. of ``PortalPost.canonical_url``."""
    return set(session.scalars(select(url_column).where(site_column == site_id)))


@dataclass
class ListWalk:
    """Decide, page after page, whether a column's list walk goes on."""

    overlap: int = 1
    full: bool = False
    pages_without_new: int = 0

    def next_page_wanted(self, new_entries: int) -> bool:
        """Record a list page with ``new_entries`` unseen entries; return True to go on."""
        if new_entries:
            self.pages_without_new = 0
            return True
        self.pages_without_new += 1
        return self.full or self.pages_without_new <= self.overlap
