"""The monthly report (月报): each department's posts against quota and its disclosure record.

Per department: tier (档), quota, unique posts this month, shortfall, backdated posts,
year-to-date posts against the annual bonus threshold, documents signed this month that were
published / late / missing, the two sub-scores as they stand (year to date through this
month), and the month's crawl coverage. A summary on top counts departments below quota by tier
and lists the documents not disclosed on time. Listed posts and documents whose page is gone
(:mod:`scoring.assessment.gone`) are said in the metadata ("1 listed post could not be read
(gone)"), beside the department whose column listed them, and one by one with their list
entries: counted for nobody, for review, never a coverage hole. A month whose crawl coverage is
not whole (or that has not ended) flags its post counts ``INCOMPLETE`` and shows no shortfall at
all.

A pure function of an :class:`~scoring.assessment.assess.Assessment`: no query, no side effect.
"""

from __future__ import annotations

from typing import Any

from db.models import DocumentStatus
from scoring.assessment.assess import Assessment
from scoring.assessment.periods import SHANGHAI
from scoring.reporting.gone import gone_beside, gone_section, gone_summary
from scoring.reporting.model import (
    INCOMPLETE,
    RECTIFICATION_COLUMN,
    Report,
    Section,
    coverage_section,
    policy_section,
    pts,
    rectification_label,
)

DEPARTMENT_COLUMNS = [
    ("department", "部门 department"),
    ("tier", "档次 tier"),
    ("quota", "月配额 quota"),
    ("posts", "本月信息 posts"),
    ("shortfall", "差额 shortfall"),
    ("backdated", "倒填日期 backdated"),
    ("ytd_posts", "年累计 YTD posts"),
    ("bonus_threshold", "加分线 bonus threshold"),
    ("documents_published", "文件已公开 published"),
    ("documents_late", "逾期 late"),
    ("documents_missing", "未公开 missing"),
    ("portal_points", "门户网站得分 portal (8)"),
    ("disclosure_points", "文件公开得分 disclosure (12)"),
    ("portal_coverage", "门户覆盖 portal coverage"),
    ("disclosure_coverage", "公开平台覆盖 disclosure coverage"),
    ("listed_gone", "已列出但无法读取 listed, page gone"),
]
INCOMPLETE_MONTH_FLAGS = {"posts": INCOMPLETE, "shortfall": INCOMPLETE}


def monthly_report(assessment: Assessment) -> Report:
    """Build the monthly report of ``assessment`` (a monthly period)."""
    rules, period = assessment.rules, assessment.period
    complete = assessment.month_complete
    rows = _department_rows(assessment)
    flags = {} if complete else dict(INCOMPLETE_MONTH_FLAGS)
    names = {a.unit.id: a.unit.short_name for a in assessment.units}
    chart = [
        {
            "department": r["department"],
            "posts": r["posts"],
            "quota": r["quota"],
            "incomplete": not complete,
        }
        for r in rows
    ]
    return Report(
        "monthly",
        period.label,
        f"{period.label} 门户网站信息发布和文件公开月报",
        _meta(assessment),
        [
            _summary(rows, sorted(rules.portal.monthly_quota), complete),
            Section("departments", "部门明细 Departments", DEPARTMENT_COLUMNS, rows, flags),
            _listed_documents(assessment, names),
            gone_section(assessment.gone),
            coverage_section(
                [*assessment.portal_coverage.values(), *assessment.disclosure_coverage.values()]
            ),
            policy_section(rules),
        ],
        chart,
    )


def _department_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """One row per department with a tier: the month's posts, documents and sub-scores."""
    month = assessment.month
    portal_cov = assessment.portal_coverage[month]
    disclosure_cov = assessment.disclosure_coverage[month]
    rows = []
    for assessed in assessment.units_of("department"):
        posts, score = assessed.month, assessed.portal
        if posts is None or score is None:
            continue
        documents, disclosure = assessed.month_documents, assessed.disclosure
        rows.append(
            {
                "department": assessed.unit.short_name,
                "tier": assessed.unit.tier,
                "quota": posts.quota,
                "posts": posts.posts,
                "shortfall": posts.shortfall,
                "backdated": posts.backdated,
                "ytd_posts": score.ytd_posts,
                "bonus_threshold": score.threshold,
                "documents_published": documents.published,
                "documents_late": documents.late,
                "documents_missing": documents.missing,
                "portal_points": pts(score.points),
                "disclosure_points": pts(disclosure.points) if disclosure else None,
                "portal_coverage": portal_cov.label,
                "disclosure_coverage": disclosure_cov.label,
                "listed_gone": gone_beside(assessment.gone, assessed.unit.id),
            }
        )
    return rows


def _meta(assessment: Assessment) -> list[tuple[str, str]]:
    rules, month = assessment.rules, assessment.month
    meta = [
        ("考核期 period", assessment.period.label),
        ("规则 rules", f"{rules.title} ({rules.document_number}) version {rules.version[:12]}"),
        ("证据截止 evidence cut-off", assessment.cutoff.astimezone(SHANGHAI).isoformat()),
        ("门户覆盖 portal coverage", assessment.portal_coverage[month].label),
        ("公开平台覆盖 disclosure coverage", assessment.disclosure_coverage[month].label),
        ("得分口径 scores", "sub-scores as they stand, year to date through this month"),
    ]
    if assessment.gone:
        meta.append(("已列出但无法读取 listed, page gone", gone_summary(assessment.gone)))
    return meta


def _summary(rows: list[dict[str, Any]], tiers: list[int], complete: bool) -> Section:
    """Departments below quota by tier; while the month is incomplete, no count at all."""
    section = Section(
        "summary",
        "概要 Summary",
        [
            ("tier", "档次 tier"),
            ("departments", "部门数 departments"),
            ("below_quota", "未达配额 below quota"),
            ("names", "未达配额部门 departments below quota"),
            ("late_documents", "逾期文件 late documents"),
        ],
        flags={} if complete else {"below_quota": INCOMPLETE, "names": INCOMPLETE},
    )
    for tier in tiers:
        tier_rows = [r for r in rows if r["tier"] == tier]
        below = [r["department"] for r in tier_rows if (r["shortfall"] or 0) > 0]
        section.rows.append(
            {
                "tier": tier,
                "departments": len(tier_rows),
                "below_quota": len(below) if complete else None,
                "names": "、".join(below) if complete else None,
                "late_documents": sum(r["documents_late"] for r in tier_rows),
            }
        )
    return section


def _listed_documents(assessment: Assessment, names: dict[int, str]) -> Section:
    return Section(
        "late_documents",
        "逾期、未公开和无法判定的文件 Late, missing and undatable documents",
        [
            ("department", "部门 department"),
            ("status", "状态 status"),
            ("doc_number", "文号 document number"),
            ("title", "标题 title"),
            ("signed_on", "成文日期 signed"),
            ("published_on", "发布日期 published"),
            ("working_days_late", "逾期工作日 working days late"),
            ("url", "网址 URL"),
            ("page_sha256", "页面 stored page sha256"),
            ("note", "说明 note"),
            RECTIFICATION_COLUMN,
        ],
        [
            {
                "department": names.get(v.department_id, str(v.department_id)),
                "status": v.status,
                "doc_number": v.doc_number,
                "title": v.title,
                "signed_on": _iso(v.signed_on),
                "published_on": _iso(v.published_on),
                "working_days_late": v.working_days_late
                if v.status == DocumentStatus.LATE
                else None,
                "url": v.url,
                "page_sha256": v.page_sha256,
                "note": v.note,
                "rectification": rectification_label(assessment, v),
            }
            for v in assessment.listed_documents
        ],
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
