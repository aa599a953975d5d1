"""A report as plain data: titled sections of rows, so every format renders the same numbers.

Values are str, int, float (points rounded to two decimals), bool or None, so a report
round-trips through JSON unchanged: a score run stores it and re-prints it from there.

A number that is not final is never turned into text: its column is *flagged*
(``Section.flags``, column key -> ``INCOMPLETE`` or ``PROVISIONAL``) and each renderer shows
the flag its own way, so JSON keeps numbers and a reader of any format sees the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from db.models import ReportKind
from scoring.assessment.ranking import published

CHART_KEYS = ("department", "posts", "quota", "incomplete")
INCOMPLETE = "INCOMPLETE"  # the month's crawl coverage is not whole (or the month not over)
PROVISIONAL = "PROVISIONAL"  # sub-items still have no points: the figure may still rise
FLAG_LABELS = {INCOMPLETE: "不完整 INCOMPLETE", PROVISIONAL: "暂定 PROVISIONAL"}
#: A listed document explained by its department's accepted 整改 answer (says so; scores as before).
RECTIFICATION_COLUMN = ("rectification", "整改说明 explained")


@dataclass
class Section:
    """One table of a report: ``columns`` are (key, Chinese header) pairs."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)  # column key -> INCOMPLETE/PROVISIONAL

    def header(self, key: str, header: str) -> str:
        """A column's header, with its flag when the column has one."""
        flag = self.flags.get(key)
        return f"{header} [{FLAG_LABELS[flag]}]" if flag else header

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "columns": [list(c) for c in self.columns],
        }
        if self.flags:
            data["flags"] = dict(self.flags)
        data["rows"] = self.rows
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        """Rebuild a section; rows take the column order again."""
        columns = [tuple(c) for c in data["columns"]]
        rows = [{key: row.get(key) for key, _ in columns} for row in data["rows"]]
        return cls(data["key"], data["title"], columns, rows, dict(data.get("flags", {})))


@dataclass
class Report:
    """A whole report: metadata lines, sections and the posts-vs-quota chart data."""

    kind: str
    period: str
    title: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    chart: list[dict[str, Any]] = field(default_factory=list)
    provisional: bool = False  # a ranking in it is not final (see scoring.assessment.ranking)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def with_meta(self, label: str, value: str) -> Report:
        """A copy with one more metadata line (the report itself is left as it was)."""
        return replace(self, meta=[*self.meta, (label, value)])

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "period": self.period, "title": self.title}
        if self.kind in (ReportKind.QUARTERLY, ReportKind.ANNUAL):
            data["provisional"] = self.provisional
        data |= {
            "meta": [list(m) for m in self.meta],
            "sections": [s.to_json() for s in self.sections],
            "chart": self.chart,
        }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            data["kind"],
            data["period"],
            data["title"],
            [tuple(m) for m in data["meta"]],
            [Section.from_json(s) for s in data["sections"]],
            [{key: point.get(key) for key in CHART_KEYS} for point in data.get("chart", [])],
            bool(data.get("provisional", False)),
        )


@lru_cache(maxsize=65536)  # a 2,000-unit report prints 160,000 points, mostly the same few
def pts(value: Decimal | None) -> float | None:
    """Points as printed: two decimals, ROUND_HALF_UP."""
    rounded = published(value)
    return None if rounded is None else float(rounded)


def policy_section(rules: Any) -> Section:
    return Section(
        "policy",
        "政策默认值 Policy defaults",
        [("setting", "设置 setting"), ("value", "取值 value")],
        [{"setting": name, "value": value} for name, value in rules.policy_defaults()],
    )


def coverage_section(coverages: list[Any]) -> Section:
    return Section(
        "coverage",
        "采集覆盖 Crawl coverage",
        [
            ("site_kind", "站点类型 site kind"),
            ("month", "月份 month"),
            ("status", "状态 status"),
            ("reasons", "原因 reasons"),
        ],
        [
            {
                "site_kind": c.site_kind,
                "month": c.month,
                "status": "complete" if c.complete else INCOMPLETE,
                "reasons": "; ".join(c.reasons),
            }
            for c in coverages
        ],
    )


def gaps_section(gaps: list[Any], names: dict[int, str]) -> Section:
    """文号 gap candidates: listed for an analyst to confirm, never scored by themselves."""
    return Section(
        "gap_candidates",
        "文号缺号候选 Document-number gaps (review only, not scored)",
        [
            ("department", "部门 department"),
            ("doc_number", "缺号 missing number"),
            ("between", "前后文号 between"),
        ],
        [
            {
                "department": names.get(g.department_id, str(g.department_id)),
                "doc_number": g.doc_number_key,
                "between": f"{g.previous_seq}–{g.next_seq}",
            }
            for g in gaps
        ],
    )


def rectification_label(assessment: Any, verdict: Any) -> str | None:
    """``已采纳 #12 (2012-04-03, 王芳)`` when an accepted 整改 answer covers the listed document."""
    return assessment.rectified.label_of(verdict.department_id, verdict.doc_number, verdict.title)
