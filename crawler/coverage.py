"""Track what a run covered of each column, so a failed column is never read as "no posts".

A spider reports list pages fetched or failed, entries seen, detail pages stored or failed,
an anti-bot block, and whether the walk reached the end of the list or stopped on purpose
(incremental). :meth:`ColumnCoverage.status` turns that into the crawl_column_results status:

- ``blocked``  an anti-bot challenge answered instead of the site;
- ``failed``   not one list page of the column could be read;
- ``partial``  some list or detail pages failed, the run ended before the walk did, or a
  whole walk collected fewer records than the list announced (jpage ``totalrecord``, JPaaS
  ``count``);
- ``complete`` every list page walked (or the incremental stop reached) without errors.

A listed page the site says is gone (404, 410, an error page: :mod:`crawler.gone`) is no error:
the list was read whole and the page is evidence about the site, counted in ``gone``.

What a walk could see is kept for the backdating proof (倒填日期): the list pages it read, in
order (``list_page_ids``), whether it read the list down to its last page (:attr:`reached_end`)
and how far back it reached (``reached_back``: the date of the last dated entry it read, in list
order; lists run newest first, so a pinned old item (置顶) at the top is not mistaken for reach).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from crawler.evidence import PageId
from db.models import ColumnStatus, PageKind

_DETAIL_OF_CAUSE = re.compile(r"\s*(?:\(\d+ attempts\)|\[\w+\]|:\s*http\S*)")


def cause_of(reason: str) -> str:
    """``timed out after 10 s`` of ``timed out after 10 s (3 attempts) [DownloadTimeoutError]``."""
    return _DETAIL_OF_CAUSE.sub("", reason).strip() or reason


def lost_summary(lost: Counter[tuple[str, str]]) -> list[str]:
    """``2 list pages timed out after 10 s``, ``1 detail page lost: HTTP 503 …``: what happened."""
    lines = []
    for (kind, cause), count in sorted(lost.items(), key=lambda item: (-item[1], item[0])):
        pages = f"{count} {kind} page{'s' if count > 1 else ''}"
        lines.append(
            f"{pages} {cause}" if cause.startswith("timed out") else f"{pages} lost: {cause}"
        )
    return lines


@dataclass
class ColumnCoverage:
    key: str
    expects_items: bool = True
    list_pages: int = 0
    list_failures: int = 0
    entries: int = 0
    new_entries: int = 0
    details: int = 0
    detail_failures: int = 0
    gone: int = 0  # listed pages the site answered 404, 410 or an error page for
    blocked: bool = False
    finished_walk: bool = False
    stopped_early: bool = False
    oldest: dt.date | None = None
    newest: dt.date | None = None
    messages: list[str] = field(default_factory=list)
    shortfall: tuple[int, int] | None = None  # (collected, announced) after a whole walk
    list_page_ids: list[PageId] = field(default_factory=list)  # the list pages read, in order
    reached_back: dt.date | None = None  # the last dated entry read, in list order
    lost_causes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, cause): n

    def compare_with_announced(self, collected: int, announced: int | None) -> None:
        """After a whole walk: fewer records than the list announced is an incomplete column."""
        if announced is not None and collected < announced:
            self.shortfall = (collected, announced)
            self.note(f"collected {collected} of the {announced} records the list announced")

    def saw_dates(self, dates: list[dt.date | None]) -> None:
        """Record the dates of one list page's entries, in list order."""
        known = [d for d in dates if d is not None]
        if known:
            self.oldest = min([*known, *([self.oldest] if self.oldest else [])])
            self.newest = max([*known, *([self.newest] if self.newest else [])])
            self.reached_back = known[-1]

    def lost(self, page_kind: str, note: str) -> None:
        """Count a request of this column that was lost (its reason is a request_failures row)."""
        if page_kind == PageKind.LIST:
            self.list_failures += 1
        else:
            self.detail_failures += 1
        self.lost_causes[(page_kind, cause_of(note))] += 1
        self.note(note[:200])

    def page_gone(self) -> None:
        """Count a listed page the site says is gone: the walk stays complete."""
        self.gone += 1

    @property
    def reached_end(self) -> bool:
        """The walk read the list down to its last page, none lost, no incremental stop."""
        return (
            self.finished_walk
            and not self.stopped_early
            and not self.list_failures
            and not self.blocked
            and bool(self.list_pages)
        )

    def note(self, message: str) -> None:
        if len(self.messages) < 5 and message not in self.messages:
            self.messages.append(message)

    @property
    def errors(self) -> int:
        return self.list_failures + self.detail_failures

    def status(self) -> ColumnStatus:
        if self.blocked:
            return ColumnStatus.BLOCKED
        if self.list_pages == 0:
            return ColumnStatus.FAILED
        if self.errors or not self.finished_walk or self.shortfall:
            return ColumnStatus.PARTIAL
        return ColumnStatus.COMPLETE

    def message(self) -> str | None:
        parts = [*lost_summary(self.lost_causes), *self.messages]
        if self.gone:
            plural = "s" if self.gone > 1 else ""
            parts.append(f"{self.gone} listed page{plural} gone (404, 410 or an error page)")
        if not self.finished_walk and not self.blocked and self.list_pages:
            parts.append("run ended before the list walk did")
        if self.stopped_early:
            parts.append("incremental stop: reached posts already stored")
        return "; ".join(parts) or None
