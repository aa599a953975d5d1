"""The monthly report (月报): each department's posts against quota and its disclosure record.

Per department: tier (档), quota, unique posts this month, shortfall, backdated posts,
year-to-date posts against the annual bonus threshold, documents signed this month that were
published / late / missing, the two sub-scores as they stand (year to date through this
month), and the month's crawl coverage. A summary on top counts departments below quota by tier
and lists late documents. An incomplete month shows ``INCOMPLETE`` beside its post count, never
a bare zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, FetchedPage
from scoring.coverage import month_coverage
from scoring.disclosure_checks import disclosure_counts, document_verdicts
from scoring.disclosure_score import disclosure_scores
from scoring.periods import Period
from scoring.portal_score import PostCount, portal_scores, post_counts
from scoring.reporting.model import Report, Section, coverage_section, policy_section, pts
from scoring.rules import Rules

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
]


def monthly_report(
    session: Session, rules: Rules, period: Period, cutoff: dt.datetime
) -> tuple[Report, dict[int, dict[str, Any]]]:
    """Build the report and the per-department results to store with the score run."""
    month = period.last_month
    portal_cov = month_coverage(session, "portal", period.year_to_date(), cutoff)
    disclosure_cov = month_coverage(session, "disclosure", (month,), cutoff)
    # Year to date, this month included even while it is in progress (not yet assessed).
    ytd_posts = post_counts(session, period.year_to_date(), cutoff)
    portal = portal_scores(session, rules, period, cutoff, portal_cov, counts=ytd_posts)
    ytd_disclosure = disclosure_scores(
        session, rules, dt.date(period.year, 1, 1), period.last_day, cutoff
    )
    limit = rules.disclosure.limit_working_days
    month_counts = disclosure_counts(
        session, start=period.first_day, end=period.last_day, limit_days=limit, cutoff=cutoff
    )
    departments = session.execute(
        select(Department.id, Department.short_name, Department.tier)
        .where(Department.kind == "department")
        .order_by(Department.tier, Department.id)
    ).all()
    names = {d.id: d.short_name for d in departments}
    covered = portal_cov[month].complete
    rows, results = [], {}
    for dept_id, short_name, tier in departments:
        score = portal[dept_id]
        quota = rules.portal.monthly_quota[tier]
        this = ytd_posts.get((dept_id, month), PostCount(0, 0))
        posts = this.posts
        counts = month_counts.get(dept_id)
        disclosure = ytd_disclosure.get(dept_id)
        rows.append(
            {
                "department": short_name,
                "tier": tier,
                "quota": quota,
                "posts": posts if covered else f"{posts} (INCOMPLETE)",
                "shortfall": max(0, quota - posts),
                "backdated": this.backdated,
                "ytd_posts": score.ytd_posts,
                "bonus_threshold": score.threshold,
                "documents_published": counts.published if counts else 0,
                "documents_late": counts.late if counts else 0,
                "documents_missing": counts.missing if counts else 0,
                "portal_points": pts(score.points),
                "disclosure_points": pts(disclosure.points) if disclosure else None,
                "portal_coverage": portal_cov[month].label,
                "disclosure_coverage": disclosure_cov[month].label,
            }
        )
        results[dept_id] = {
            rules.portal.subitem: (
                score.points,
                {
                    "months": {
                        m.month: [m.posts, m.quota, str(m.credit), m.covered] for m in score.months
                    },
                    "ytd_posts": score.ytd_posts,
                    "bonus": str(score.bonus),
                },
            ),
            rules.disclosure.subitem: (
                disclosure.points if disclosure else None,
                {
                    "on_time": disclosure.on_time if disclosure else 0,
                    "denominator": disclosure.denominator if disclosure else 0,
                },
            ),
        }
    summary = _summary(rows, rules, covered)
    late = _late_documents(session, rules, period, names, cutoff)
    meta = [
        ("考核期 period", period.label),
        ("规则 rules", f"{rules.title} ({rules.document_number}) version {rules.version[:12]}"),
        ("证据截止 evidence cut-off", cutoff.isoformat()),
        ("门户覆盖 portal coverage", portal_cov[month].label),
        ("公开平台覆盖 disclosure coverage", disclosure_cov[month].label),
        ("得分口径 scores", "sub-scores as they stand, year to date through this month"),
    ]
    chart = [
        {
            "department": r["department"],
            "posts": _number(r["posts"]),
            "quota": r["quota"],
            "incomplete": not covered,
        }
        for r in rows
    ]
    report = Report(
        "monthly",
        period.label,
        f"{period.label} 门户网站信息发布和文件公开月报",
        meta,
        [
            summary,
            Section("departments", "部门明细 Departments", DEPARTMENT_COLUMNS, rows),
            late,
            coverage_section([*portal_cov.values(), *disclosure_cov.values()]),
            policy_section(rules),
        ],
        chart,
    )
    return report, results


def _number(value: Any) -> int:
    return value if isinstance(value, int) else int(str(value).split()[0])


def _summary(rows: list[dict[str, Any]], rules: Rules, covered: bool) -> Section:
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
    )
    for tier in sorted(rules.portal.monthly_quota):
        tier_rows = [r for r in rows if r["tier"] == tier]
        below = [r["department"] for r in tier_rows if (r["shortfall"] or 0) > 0]
        section.rows.append(
            {
                "tier": tier,
                "departments": len(tier_rows),
                "below_quota": len(below) if covered else f"{len(below)} (INCOMPLETE month)",
                "names": "、".join(below),
                "late_documents": sum(r["documents_late"] for r in tier_rows),
            }
        )
    return section


def _late_documents(
    session: Session, rules: Rules, period: Period, names: dict[int, str], cutoff: dt.datetime
) -> Section:
    verdicts = [
        v
        for v in document_verdicts(
            session,
            start=period.first_day,
            end=period.last_day,
            limit_days=rules.disclosure.limit_working_days,
            cutoff=cutoff,
        )
        if v.status in ("late", "missing")
    ]
    sha = _page_sha(session, [getattr(v, "page_id", None) for v in verdicts])
    return Section(
        "late_documents",
        "逾期和未公开文件 Late and missing documents",
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
        ],
        [
            {
                "department": names.get(v.department_id, str(v.department_id)),
                "status": v.status,
                "doc_number": getattr(v, "doc_number", None),
                "title": getattr(v, "title", None),
                "signed_on": _iso(getattr(v, "signed_on", None)),
                "published_on": _iso(getattr(v, "published_on", None)),
                "working_days_late": getattr(v, "working_days_late", None),
                "url": getattr(v, "url", None),
                "page_sha256": sha.get(getattr(v, "page_id", None)),
            }
            for v in verdicts
        ],
    )


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _page_sha(session: Session, page_ids: list[int | None]) -> dict[int, str]:
    ids = [i for i in page_ids if i is not None]
    if not ids:
        return {}
    return dict(
        session.execute(
            select(FetchedPage.id, FetchedPage.sha256).where(FetchedPage.id.in_(ids))
        ).all()
    )
