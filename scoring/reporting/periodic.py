"""The quarterly bulletin (季度通报) and the annual assessment (年度考核): totals, ranks, prizes.

Both score the whole rubric for every unit — departments under Annex 2, counties under
Annex 1 — as of the period's end (the automated sub-scores year to date), rank them by total
with shared ranks and award the prizes counted in the rules file. While any assessed sub-item
has no points yet the ranking is provisional (暂定): the title, the metadata, the flagged rank
and total columns and the JSON's ``provisional`` say so in every format, each unit shows the
points not yet entered, and no prize is awarded (unless ``ranking.provisional_prizes``).

A pure function of an :class:`~scoring.assessment.assess.Assessment`: no query, no side effect.
"""

from __future__ import annotations

from typing import Any

from scoring.assessment.assess import Assessment
from scoring.assessment.periods import SHANGHAI, Period
from scoring.assessment.ranking import Ranking
from scoring.assessment.totals import UnitTotal
from scoring.reporting.model import (
    INCOMPLETE,
    PROVISIONAL,
    Report,
    Section,
    coverage_section,
    gaps_section,
    policy_section,
    pts,
)
from scoring.rules import Rules

TITLES = {"quarterly": "季度通报", "annual": "年度考核"}
UNIT_LABELS = {"department": "市级部门", "county": "县(市、区)"}


def periodic_report(assessment: Assessment) -> Report:
    """Build the bulletin or annual report of ``assessment`` (a quarter or a year)."""
    rules, period = assessment.rules, assessment.period
    sections, chart = [], []
    for kind, ranking in assessment.rankings.items():
        label = UNIT_LABELS[kind]
        in_order = [a.total for a in assessment.units_of(kind) if a.total is not None]
        sections.append(_ranking(rules, kind, label, ranking))
        sections.append(_subitems(rules, kind, label, in_order))
        if kind == "department":
            sections.append(_portal(in_order, period, assessment))
            sections.append(_disclosure(in_order))
            chart = [
                {
                    "department": u.short_name,
                    "posts": sum(m.posts for m in u.portal.months if m.month in period.months),
                    "quota": sum(m.quota for m in u.portal.months if m.month in period.months),
                    "incomplete": any(
                        not m.covered for m in u.portal.months if m.month in period.months
                    ),
                }
                for u in in_order
                if u.portal is not None
            ]
    incomplete = [m for m, c in assessment.portal_coverage.items() if not c.complete]
    meta = [
        ("考核期 period", period.label),
        ("规则 rules", f"{rules.title} ({rules.document_number}) version {rules.version[:12]}"),
        ("证据截止 evidence cut-off", assessment.cutoff.astimezone(SHANGHAI).isoformat()),
        ("门户覆盖不全的月份 incomplete portal months", ", ".join(incomplete) or "none"),
        ("得分口径 scores", "automated sub-scores year to date through the period's end"),
        ("排名状态 ranking", _ranking_state(assessment)),
    ]
    names = {a.unit.id: a.unit.short_name for a in assessment.units}
    sections += [
        gaps_section(list(assessment.gaps), names),
        coverage_section(
            [*assessment.portal_coverage.values(), *assessment.disclosure_coverage.values()]
        ),
        policy_section(rules),
    ]
    title = f"{period.label} 电子政务和政府信息公开工作{TITLES[period.kind]}"
    if assessment.provisional:
        title = f"【暂定 PROVISIONAL】{title}"
    return Report(period.kind, period.label, title, meta, sections, chart, assessment.provisional)


def _ranking_state(assessment: Assessment) -> str:
    if not assessment.provisional:
        return "final: every assessed sub-item has points"
    totals = [a.total for a in assessment.units if a.total is not None and a.total.missing]
    missing, units = sum(len(t.missing) for t in totals), len(totals)
    prizes = (
        "prizes shown anyway (ranking.provisional_prizes = true)"
        if assessment.rules.provisional_prizes
        else "no prize is awarded until they are entered (ranking.provisional_prizes = false)"
    )
    return (
        f"PROVISIONAL (暂定): {missing} assessed sub-items of {units} units have no points "
        f"yet; {prizes}"
    )


def _ranking(rules: Rules, kind: str, label: str, ranking: Ranking) -> Section:
    rubric = rules.rubric_for(kind)
    columns = [
        ("rank", "名次 rank"),
        ("unit", "单位 unit"),
        ("tier", "档次 tier"),
        ("total", "总分 total (of 100)"),
        ("raw", "得分 raw points"),
        ("out_of", "满分 out of"),
        ("prize", "奖项 prize"),
        *((item.key, f"{item.name} ({item.points})") for item in rubric.items),
        ("pending_points", "未录入分值 points not yet entered"),
        ("missing", "未录入子项 sub-items without points"),
    ]
    rows = [
        {
            "rank": entry.rank,
            "unit": entry.unit.short_name,
            "tier": entry.unit.tier,
            "total": pts(entry.unit.total),
            "raw": pts(entry.unit.raw),
            "out_of": pts(entry.unit.out_of),
            "prize": entry.prize,
            **{key: pts(value) for key, value in entry.unit.items.items()},
            "pending_points": pts(entry.unit.pending_points),
            "missing": ", ".join(entry.unit.missing),
        }
        for entry in ranking.entries
    ]
    flags = {}
    if ranking.provisional:
        flags = {"rank": PROVISIONAL, "total": PROVISIONAL}
        if not ranking.prizes_awarded:
            flags["prize"] = PROVISIONAL
    return Section(f"ranking_{kind}", f"排名 Ranking: {label}", columns, rows, flags)


def _subitems(rules: Rules, kind: str, label: str, totals: list[UnitTotal]) -> Section:
    rubric = rules.rubric_for(kind)
    names = {s.key: s.name for s in rubric.subitems()}
    maxima = {s.key: pts(s.points) for s in rubric.subitems()}
    # one row per unit and sub-item: 36,000 rows for 2,000 units, so None skips the rounding
    rows = [
        {
            "unit": unit.short_name,
            "subitem": sub.key,
            "name": names[sub.key],
            "points": None if sub.points is None else pts(sub.points),
            "max_points": maxima[sub.key],
            "source": sub.source,
            "computed": None if sub.computed is None else pts(sub.computed),
            "adjustment": None if sub.adjustment is None else pts(sub.adjustment),
            "entries": ", ".join(map(str, sub.entry_ids)) if sub.entry_ids else "",
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


def _portal(totals: list[UnitTotal], period: Period, assessment: Assessment) -> Section:
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
            row[month] = None if m is None else m.posts
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
    flags = {m: INCOMPLETE for m in months if not assessment.portal_coverage[m].complete}
    return Section("portal", "门户网站 Portal posts", columns, rows, flags)


def _disclosure(totals: list[UnitTotal]) -> Section:
    columns = [
        ("unit", "部门 department"),
        ("published", "已公开 published"),
        ("on_time", "按时 on time"),
        ("late", "逾期 late"),
        ("missing", "未公开未说明 missing"),
        ("explained", "已说明 explained"),
        ("undated", "无成文日期 undated"),
        ("no_calendar", "无工作日历 no calendar"),
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
            "no_calendar": u.disclosure.no_calendar if u.disclosure else 0,
            "points": pts(u.disclosure.points) if u.disclosure else None,
        }
        for u in totals
    ]
    return Section("disclosure", "部门文件主动公开 Document disclosure", columns, rows)
