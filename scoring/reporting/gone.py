"""The report lines of listed items whose page is gone (:mod:`scoring.assessment.gone`).

Shared by the monthly report and ``explain``: a summary ("1 篇已列出的信息无法读取（页面已失效）/
1 listed post could not be read (gone)"), the note beside a department whose own column listed
them, and a section with each list entry, for review. Counted for nobody.
"""

from __future__ import annotations

import datetime as dt

from scoring.assessment.gone import GoneEntry, gone_note
from scoring.reporting.model import Section

GONE_COLUMNS = [
    ("site", "网站 site"),
    ("column", "栏目 column"),
    ("list_title", "列表标题 title as listed"),
    ("list_date", "列表日期 date as listed"),
    ("reason", "网站答复 what the site answered"),
    ("first_seen", "首次发现 first seen"),
    ("last_seen", "最近发现 last seen"),
    ("url", "网址 URL"),
]


def gone_summary(gone: tuple[GoneEntry, ...]) -> str:
    """The notes per site kind, and whom they count for (nobody: for review)."""
    kinds = sorted({g.site_kind for g in gone}, reverse=True)  # portal first
    notes = [gone_note(sum(g.site_kind == k for g in gone), k) for k in kinds]
    return "; ".join(notes) + "（不计入任何部门，待复核 / counted for nobody, for review）"


def gone_beside(gone: tuple[GoneEntry, ...], unit_id: int) -> str | None:
    """The note beside a department whose own column listed gone items (still not counted)."""
    own = [g for g in gone if g.department_id == unit_id]
    return gone_note(len(own), own[0].site_kind) if own else None


def gone_section(gone: tuple[GoneEntry, ...]) -> Section:
    """Each listed item whose page is gone, with its list entry: for review."""
    return Section(
        "gone",
        "已列出但无法读取的信息 Listed items whose page is gone (counted for nobody)",
        GONE_COLUMNS,
        [
            {
                "site": g.site_key,
                "column": g.column_key,
                "list_title": g.list_title,
                "list_date": _iso(g.list_date),
                "reason": g.reason,
                "first_seen": _iso(g.first_seen_at),
                "last_seen": _iso(g.last_seen_at),
                "url": g.url,
            }
            for g in gone
        ],
    )


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
