"""``explain``: one department's month, every number expanded to the evidence behind it.

Posts are listed with their URL, the stored page (fetched_pages id and body sha256) and whether
each counted (the first post of each ``identity_key``) or was a duplicate of one that did;
documents with their verdict, working days late and stored page; analyst entries in force.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, FetchedPage, ManualScore, PortalPost
from scoring.coverage import month_coverage
from scoring.disclosure_checks import disclosure_counts, document_verdicts, number_gaps
from scoring.disclosure_score import score_counts
from scoring.periods import SHANGHAI, Period
from scoring.portal_score import portal_scores
from scoring.reporting.model import Report, Section, gaps_section, pts
from scoring.rules import Rules


def explain_report(
    session: Session, rules: Rules, unit: Department, period: Period, cutoff: dt.datetime
) -> Report:
    """Expand the department's portal and disclosure numbers for one month."""
    month = period.last_month
    sections = []
    meta = [
        ("部门 department", f"{unit.short_name} ({unit.full_name}), tier {unit.tier}"),
        ("月份 month", month),
        ("证据截止 evidence cut-off", cutoff.isoformat()),
        ("规则 rules version", rules.version[:12]),
    ]
    if unit.kind == "department" and unit.tier is not None:
        coverage = month_coverage(session, "portal", period.year_to_date(), cutoff)
        score = portal_scores(session, rules, period, cutoff, coverage, [unit.id])[unit.id]
        meta += [
            ("门户网站得分 portal sub-score", _portal_formula(score, rules)),
            ("门户覆盖 portal coverage", coverage[month].label),
        ]
        sections.append(_months(score))
        sections.append(_posts(session, unit.id, month, cutoff))
    limit = rules.disclosure.limit_working_days
    start, end = period.first_day, period.last_day
    counts = disclosure_counts(session, start=start, end=end, limit_days=limit, cutoff=cutoff).get(
        unit.id
    )
    if counts is not None:
        d = score_counts(unit.id, counts, rules)
        meta.append(
            (
                "本月文件公开 disclosure this month",
                f"{d.max_points} × {d.numerator} on time / {d.denominator} "
                f"(on time {d.on_time} + late {d.late} + missing {d.missing}) = {pts(d.points)}",
            )
        )
    verdicts = document_verdicts(
        session, start=start, end=end, limit_days=limit, department_id=unit.id, cutoff=cutoff
    )
    sections.append(_documents(session, verdicts))
    gaps = number_gaps(session, year=period.year, department_id=unit.id, cutoff=cutoff)
    sections.append(gaps_section(gaps, {unit.id: unit.short_name}))
    sections.append(_entries(session, unit.id, period))
    return Report(
        "explain", month, f"{unit.short_name} {month} 得分说明 explanation", meta, sections
    )


def _portal_formula(score, rules: Rules) -> str:  # type: ignore[no-untyped-def]
    counted = [m for m in score.months if m.counted]
    credits = " + ".join(f"{pts(m.credit)}" for m in counted) or "no month assessable"
    bonus = f" + bonus {score.bonus}" if score.bonus else ""
    return (
        f"{score.max_points} × average({credits}) {bonus}= {pts(score.points)} "
        f"(YTD posts {score.ytd_posts} / threshold {score.threshold}; "
        f"credit {rules.portal.month_credit}, incomplete months {rules.portal.incomplete_months})"
    )


def _months(score) -> Section:  # type: ignore[no-untyped-def]
    return Section(
        "months",
        "逐月得分 Month credits (year to date)",
        [
            ("month", "月份 month"),
            ("posts", "信息数 posts"),
            ("quota", "配额 quota"),
            ("credit", "得分率 credit"),
            ("coverage", "覆盖 coverage"),
            ("counted", "计入平均 in average"),
        ],
        [
            {
                "month": m.month,
                "posts": m.posts,
                "quota": m.quota,
                "credit": pts(m.credit),
                "coverage": "complete" if m.covered else "INCOMPLETE",
                "counted": m.counted,
            }
            for m in score.months
        ],
    )


def _posts(session: Session, department_id: int, month: str, cutoff: dt.datetime) -> Section:
    rows = session.execute(
        select(PortalPost, FetchedPage.sha256, FetchedPage.fetched_at)
        .join(FetchedPage, FetchedPage.id == PortalPost.page_id)
        .where(
            PortalPost.department_id == department_id,
            PortalPost.attribution == "department",
            PortalPost.published_month == month,
        )
        .order_by(PortalPost.published_at, PortalPost.id)
    ).all()
    seen: set[str] = set()
    out = []
    for post, sha256, fetched_at in rows:
        if post.first_seen_at > cutoff:
            counted = "after cut-off"
        elif post.identity_key in seen:
            counted = "duplicate"
        else:
            counted = "yes"
            seen.add(post.identity_key)
        out.append(
            {
                "published_at": post.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "title": post.title,
                "counted": counted,
                "backdated": post.backdated,
                "url": post.canonical_url,
                "identity_key": post.identity_key,
                "page_id": post.page_id,
                "page_sha256": sha256,
                "fetched_at": fetched_at.isoformat(),
                "first_seen_at": post.first_seen_at.isoformat(),
            }
        )
    return Section(
        "posts",
        "本月信息 Posts this month",
        [
            ("published_at", "发布时间 published"),
            ("title", "标题 title"),
            ("counted", "计数 counted"),
            ("backdated", "倒填日期 backdated"),
            ("url", "网址 URL"),
            ("identity_key", "去重键 identity key"),
            ("page_id", "页面 page id"),
            ("page_sha256", "页面 sha256"),
            ("fetched_at", "抓取时间 fetched"),
            ("first_seen_at", "首次发现 first seen"),
        ],
        out,
    )


def _documents(session: Session, verdicts: list) -> Section:  # type: ignore[type-arg]
    page_ids = [v.page_id for v in verdicts if getattr(v, "page_id", None) is not None]
    sha = (
        dict(
            session.execute(
                select(FetchedPage.id, FetchedPage.sha256).where(FetchedPage.id.in_(page_ids))
            ).all()
        )
        if page_ids
        else {}
    )
    columns = [
        ("status", "状态 status"),
        ("doc_number", "文号 document number"),
        ("title", "标题 title"),
        ("signed_on", "成文日期 signed"),
        ("published_on", "发布日期 published"),
        ("working_days_late", "逾期工作日 working days late"),
        ("url", "网址 URL"),
        ("page_id", "页面 page id"),
        ("page_sha256", "页面 sha256"),
    ]
    rows = []
    for v in verdicts:
        row = {key: getattr(v, key, None) for key, _ in columns}
        for key in ("signed_on", "published_on"):
            if row[key] is not None:
                row[key] = row[key].isoformat()
        row["page_sha256"] = sha.get(row["page_id"])
        rows.append(row)
    return Section("documents", "本月签发文件 Documents signed this month", columns, rows)


def _entries(session: Session, department_id: int, period: Period) -> Section:
    labels = [
        period.label,
        f"{period.year}Q{(int(period.last_month[5:]) + 2) // 3}",
        str(period.year),
    ]
    entries = session.scalars(
        select(ManualScore)
        .where(ManualScore.department_id == department_id, ManualScore.period.in_(labels))
        .order_by(ManualScore.id)
    )
    return Section(
        "entries",
        "人工录入 Analyst entries (latest per sub-item and period wins)",
        [
            ("id", "编号 id"),
            ("period", "考核期 period"),
            ("kind", "类型 kind"),
            ("item_key", "子项 item"),
            ("points", "分数 points"),
            ("reason", "理由 reason"),
            ("entered_by", "录入人 entered by"),
            ("entered_at", "录入时间 entered at"),
        ],
        [
            {
                "id": e.id,
                "period": e.period,
                "kind": e.kind,
                "item_key": e.item_key,
                "points": pts(e.points),
                "reason": e.reason,
                "entered_by": e.entered_by,
                "entered_at": e.entered_at.isoformat(),
            }
            for e in entries
        ],
    )
