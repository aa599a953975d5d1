"""A report as plain data: titled sections of rows, so every format renders the same numbers.

Values are str, int, float (points rounded to two decimals), bool or None, so a report
round-trips through JSON unchanged: that JSON is what a score run stores and re-prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from scoring.ranking import published

CHART_KEYS = ("department", "posts", "quota", "incomplete")


@dataclass
class Section:
    """One table of a report: ``columns`` are (key, Chinese header) pairs."""

    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": [list(c) for c in self.columns],
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Section:
        """Rebuild a stored section; rows take the column order again (JSONB sorts keys)."""
        columns = [tuple(c) for c in data["columns"]]
        rows = [{key: row.get(key) for key, _ in columns} for row in data["rows"]]
        return cls(data["key"], data["title"], columns, rows)


@dataclass
class Report:
    """A whole report: metadata lines, sections and the posts-vs-quota chart data."""

    kind: str
    period: str
    title: str
    meta: list[tuple[str, str]]
    sections: list[Section]
    chart: list[dict[str, Any]] = field(default_factory=list)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "period": self.period,
            "title": self.title,
            "meta": [list(m) for m in self.meta],
            "sections": [s.to_json() for s in self.sections],
            "chart": self.chart,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            data["kind"],
            data["period"],
            data["title"],
            [tuple(m) for m in data["meta"]],
            [Section.from_json(s) for s in data["sections"]],
            [{key: point.get(key) for key in CHART_KEYS} for point in data.get("chart", [])],
        )


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
                "status": "complete" if c.complete else "INCOMPLETE",
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
