"""The quarterly bulletin (季度通报) and the annual assessment (年度考核): totals, ranks, prizes.

Both score the whole rubric for every unit — departments under Annex 2, counties under
Annex 1 — as of the period's end (the automated sub-scores year to date), rank them by total
with shared ranks and award the prizes counted in the rules file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department
from scoring.coverage import month_coverage
from scoring.disclosure_checks import number_gaps
from scoring.periods import Period
from scoring.ranking import prize_for, shared_ranks
from scoring.reporting.model import (
    Report,
    Section,
    coverage_section,
    gaps_section,
    policy_section,
    pts,
)
from scoring.rules import Rules
from scoring.totals import UnitTotal, compute_totals

TITLES = {"quarterly": "季度通报", "annual": "年度考核"}


def periodic_report(
    session: Session, rules: Rules, period: Period, cutoff: dt.datetime
) -> tuple[Report, dict[int, dict[str, Any]]]:
    """Build the bulletin or annual report and the per-unit results to store."""
    portal_cov = month_coverage(session, "portal", period.year_to_date(), cutoff)
    disclosure_cov = month_coverage(session, "disclosure", period.year_to_date(), cutoff)
    sections, results, chart = [], {}, []
    for kind, label in (("department", "市级部门"), ("county", "县(市、区)")):
        totals = compute_totals(session, rules, period, cutoff, kind, portal_cov)
        if not totals and kind == "county":
            continue
        sections.append(_ranking(rules, kind, label, totals))
        sections.append(_subitems(rules, kind, label, totals))
        for unit in totals:
            results[unit.department_id] = {
                **{
                    s.key: (s.points, {"source": s.source, "entries": list(s.entry_ids)})
                    for s in unit.subitems
                },
                "total": (
                    unit.total,
                    {"raw": str(unit.raw), "out_of": str(unit.out_of), "missing": unit.missing},
                ),
            }
        if kind == "department":
            sections.append(_portal(totals, period))
            sections.append(_disclosure(totals))
            chart = [
                {
                    "department": u.short_name,
                    "posts": sum(m.posts for m in u.portal.months if m.month in period.months),
                    "quota": sum(m.quota for m in u.portal.months if m.month in period.months),
                    "incomplete": any(
                        not m.covered for m in u.portal.months if m.month in period.months
                    ),
                }
                for u in totals
                if u.portal is not None
            ]
    incomplete = [m for m, c in portal_cov.items() if not c.complete]
    meta = [
        ("考核期 period", period.label),
        ("规则 rules", f"{rules.title} ({rules.document_number}) version {rules.version[:12]}"),
        ("证据截止 evidence cut-off", cutoff.isoformat()),
        ("门户覆盖不全的月份 incomplete portal months", ", ".join(incomplete) or "none"),
        ("得分口径 scores", "automated sub-scores year to date through the period's end"),
    ]
    names = dict(session.execute(select(Department.id, Department.short_name)).all())
    sections += [
        gaps_section(number_gaps(session, year=period.year, cutoff=cutoff), names),
        coverage_section([*portal_cov.values(), *disclosure_cov.values()]),
        policy_section(rules),
    ]
    title = f"{period.label} 电子政务和政府信息公开工作{TITLES[period.kind]}"
    return Report(period.kind, period.label, title, meta, sections, chart), results


def _ranking(rules: Rules, kind: str, label: str, totals: list[UnitTotal]) -> Section:
    rubric = rules.rubric_for(kind)
    ranks = shared_ranks([u.total for u in totals])
    ordered = sorted(zip(ranks, totals, strict=True), key=lambda p: (p[0], p[1].short_name))
    columns = [
        ("rank", "名次 rank"),
        ("unit", "单位 unit"),
        ("tier", "档次 tier"),
        ("total", "总分 total (of 100)"),
        ("raw", "得分 raw points"),
        ("out_of", "满分 out of"),
        ("prize", "奖项 prize"),
        *((item.key, f"{item.name} ({item.points})") for item in rubric.items),
        ("missing", "未录入子项 sub-items without points"),
    ]
    rows = [
        {
            "rank": rank,
            "unit": unit.short_name,
            "tier": unit.tier,
            "total": pts(unit.total),
            "raw": pts(unit.raw),
            "out_of": pts(unit.out_of),
            "prize": prize_for(rank, rules.prizes[kind]),
            **{key: pts(value) for key, value in unit.items.items()},
            "missing": ", ".join(unit.missing),
        }
        for rank, unit in ordered
    ]
    return Section(f"ranking_{kind}", f"排名 Ranking: {label}", columns, rows)


def _subitems(rules: Rules, kind: str, label: str, totals: list[UnitTotal]) -> Section:
    rubric = rules.rubric_for(kind)
    names = {s.key: s.name for s in rubric.subitems()}
    rows = [
        {
            "unit": unit.short_name,
            "subitem": sub.key,
            "name": names[sub.key],
            "points": pts(sub.points),
            "max_points": pts(sub.max_points),
            "source": sub.source,
            "computed": pts(sub.computed),
            "adjustment": pts(sub.adjustment),
            "entries": ", ".join(str(i) for i in sub.entry_ids),
        }
        for unit in totals
        for sub in unit.subitems
    ]
    columns = [
        ("unit", "单位 unit"),
        ("subitem", "子项 sub-item key"),
        ("name", "名称 name"),
        ("points", "得分 points"),
        ("max_points", "分值 max"),
        ("source", "来源 source"),
        ("computed", "自动计算 computed"),
        ("adjustment", "调整 adjustment"),
        ("entries", "录入记录 manual entry ids"),
    ]
    return Section(f"subitems_{kind}", f"子项得分 Sub-items: {label}", columns, rows)


def _portal(totals: list[UnitTotal], period: Period) -> Section:
    months = period.year_to_date()
    rows = []
    for unit in totals:
        score = unit.portal
        if score is None:
            continue
        by_month = {m.month: m for m in score.months}
        row: dict[str, Any] = {"unit": unit.short_name, "tier": unit.tier}
        for month in months:
            m = by_month.get(month)
            row[month] = None if m is None else m.posts if m.covered else f"{m.posts} (INCOMPLETE)"
        row |= {
            "ytd_posts": score.ytd_posts,
            "threshold": score.threshold,
            "bonus": pts(score.bonus),
            "suggestions": unit.suggestion.count if unit.suggestion else 0,
            "suggestion_points": pts(unit.suggestion.points) if unit.suggestion else 0.0,
            "points": pts(score.points),
        }
        rows.append(row)
    columns = [
        ("unit", "部门 department"),
        ("tier", "档次 tier"),
        *((m, f"{m} 信息数 posts") for m in months),
        ("ytd_posts", "年累计 YTD posts"),
        ("threshold", "加分线 threshold"),
        ("bonus", "年度加分 bonus"),
        ("suggestions", "建议条数 suggestions"),
        ("suggestion_points", "建议加分 suggestion points"),
        ("points", "门户网站得分 portal sub-score"),
    ]
    return Section("portal", "门户网站 Portal posts", columns, rows)


def _disclosure(totals: list[UnitTotal]) -> Section:
    columns = [
        ("unit", "部门 department"),
        ("published", "已公开 published"),
        ("on_time", "按时 on time"),
        ("late", "逾期 late"),
        ("missing", "未公开未说明 missing"),
        ("explained", "已说明 explained"),
        ("undated", "无成文日期 undated"),
        ("points", "文件公开得分 disclosure sub-score"),
    ]
    rows = [
        {
            "unit": u.short_name,
            "published": u.disclosure.published if u.disclosure else 0,
            "on_time": u.disclosure.on_time if u.disclosure else 0,
            "late": u.disclosure.late if u.disclosure else 0,
            "missing": u.disclosure.missing if u.disclosure else 0,
            "explained": u.disclosure.explained if u.disclosure else 0,
            "undated": u.disclosure.undated if u.disclosure else 0,
            "points": pts(u.disclosure.points) if u.disclosure else None,
        }
        for u in totals
    ]
    return Section("disclosure", "部门文件主动公开 Document disclosure", columns, rows)
