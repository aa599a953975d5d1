"""``explain``: one department's month, every number expanded to the evidence behind it.

Posts are listed with their URL, the stored page (fetched_pages id and body sha256), whether
each counted (the first post of each ``identity_key``) or was a duplicate of one that did, and
its backdating verdict; each backdated post with its proof (the complete walks that should have
listed it: run, times, how far back they read, the list pages fetched), and how many are "not
provable"; listed items whose page is gone, with their list entries (counted for nobody);
documents with their verdict, working days late and stored page; analyst entries in
force.

A pure function of an Assessment narrowed to the department and of its
:class:`~scoring.explanation.ExplainEvidence`.
"""

from __future__ import annotations

from db.models import UnitKind
from scoring.assessment.assess import Assessment
from scoring.assessment.backdating import BACKDATED, NOT_PROVABLE
from scoring.assessment.disclosure_score import score_counts
from scoring.assessment.periods import SHANGHAI
from scoring.assessment.portal_score import PortalScore
from scoring.explanation import ExplainEvidence
from scoring.reporting.gone import gone_section, gone_summary
from scoring.reporting.model import (
    INCOMPLETE,
    RECTIFICATION_COLUMN,
    Report,
    Section,
    gaps_section,
    pts,
    rectification_label,
)
from scoring.rules import Rules

DOCUMENT_COLUMNS = [
    ("status", "状态 status"),
    ("doc_number", "文号 document number"),
    ("title", "标题 title"),
    ("signed_on", "成文日期 signed"),
    ("published_on", "发布日期 published"),
    ("lag_working_days", "工作日 working days to publication"),
    ("working_days_late", "逾期工作日 working days late"),
    ("url", "网址 URL"),
    ("page_id", "页面 page id"),
    ("page_sha256", "页面 sha256"),
    ("note", "说明 note"),
    RECTIFICATION_COLUMN,
]


def explain_report(assessment: Assessment, evidence: ExplainEvidence) -> Report:
    """Expand the department's portal and disclosure numbers for the assessed month."""
    rules, month = assessment.rules, assessment.month
    assessed = assessment.unit(evidence.unit_id)
    unit = assessed.unit
    sections = []
    meta = [
        ("部门 department", f"{unit.short_name} ({unit.full_name}), tier {unit.tier}"),
        ("月份 month", month),
        ("证据截止 evidence cut-off", assessment.cutoff.astimezone(SHANGHAI).isoformat()),
        ("规则 rules version", rules.version[:12]),
    ]
    if assessed.portal is not None:
        meta += [
            ("门户网站得分 portal sub-score", _portal_formula(assessed.portal, rules)),
            ("门户覆盖 portal coverage", assessment.portal_coverage[month].label),
        ]
        meta.append(("倒填日期 backdating", _backdating_summary(evidence, rules)))
        if assessment.gone:
            meta.append(("已列出但无法读取 listed, page gone", gone_summary(assessment.gone)))
        sections.append(_months(assessed.portal))
        sections.append(_posts(evidence))
        sections.append(_backdating(evidence, rules))
    d = assessed.month_documents
    if unit.kind == UnitKind.DEPARTMENT or d.published or d.missing:
        score = score_counts(unit.id, d, rules)
        meta.append(
            (
                "本月文件公开 disclosure this month",
                f"{score.max_points} × {score.numerator} on time / {score.denominator} "
                f"(on time {score.on_time} + late {score.late} + missing {score.missing}) "
                f"= {pts(score.points)}",
            )
        )
    sections.append(_documents(assessment))
    sections.append(gaps_section(list(assessment.gaps), {unit.id: unit.short_name}))
    sections.append(_entries(evidence))
    sections.append(gone_section(assessment.gone))
    return Report(
        "explain", month, f"{unit.short_name} {month} 得分说明 explanation", meta, sections
    )


def _portal_formula(score: PortalScore, rules: Rules) -> str:
    counted = [m for m in score.months if m.counted]
    credits = " + ".join(f"{pts(m.credit)}" for m in counted) or "no month assessable"
    bonus = f" + bonus {score.bonus}" if score.bonus else ""
    return (
        f"{score.max_points} × average({credits}) {bonus}= {pts(score.points)} "
        f"(YTD posts {score.ytd_posts} / threshold {score.threshold}; "
        f"credit {rules.portal.month_credit}, incomplete months {rules.portal.incomplete_months})"
    )


def _months(score: PortalScore) -> Section:
    return Section(
        "months",
        "逐月得分 Month credits (year to date)",
        [
            ("month", "月份 month"),
            ("posts", "信息数 posts"),
            ("quota", "配额 quota"),
            ("shortfall", "差额 shortfall"),
            ("credit", "得分率 credit"),
            ("coverage", "覆盖 coverage"),
            ("counted", "计入平均 in average"),
        ],
        [
            {
                "month": m.month,
                "posts": m.posts,
                "quota": m.quota,
                "shortfall": m.shortfall,
                "credit": pts(m.credit),
                "coverage": "complete" if m.covered else INCOMPLETE,
                "counted": m.counted,
            }
            for m in score.months
        ],
    )


def _posts(evidence: ExplainEvidence) -> Section:
    return Section(
        "posts",
        "本月信息 Posts this month",
        [
            ("published_at", "发布时间 published"),
            ("title", "标题 title"),
            ("counted", "计数 counted"),
            ("backdating", "倒填日期 backdating"),
            ("url", "网址 URL"),
            ("identity_key", "去重键 identity key"),
            ("page_id", "页面 page id"),
            ("page_sha256", "页面 sha256"),
            ("fetched_at", "抓取时间 fetched"),
            ("first_seen_at", "首次发现 first seen"),
        ],
        list(evidence.posts),
    )


def _backdating(evidence: ExplainEvidence, rules: Rules) -> Section:
    margin = rules.portal.backdating_margin_days
    return Section(
        "backdating",
        f"倒填日期证明 Backdating proof (margin {margin} days)",
        [
            ("title", "标题 title"),
            ("verdict", "结论 verdict"),
            ("claimed", "标注时间 claimed"),
            ("first_seen_at", "首次发现 first seen"),
            ("crawl_run_id", "抓取批次 crawl run"),
            ("column", "栏目 column"),
            ("walk_started_at", "遍历开始 walk started"),
            ("walk_finished_at", "遍历结束 walk finished"),
            ("reach", "遍历范围 reach"),
            ("list_pages", "列表页 list pages fetched"),
            ("url", "网址 URL"),
        ],
        list(evidence.backdating),
    )


def _backdating_summary(evidence: ExplainEvidence, rules: Rules) -> str:
    verdicts = [p["backdating"] for p in evidence.posts]
    margin = rules.portal.backdating_margin_days
    return (
        f"{verdicts.count(BACKDATED)} proved by a complete walk that did not list the post "
        f"(below); {verdicts.count(NOT_PROVABLE)} not provable: first seen more than {margin} "
        f"days after the claim, with no complete walk between that reached back past it"
    )


def _documents(assessment: Assessment) -> Section:
    rows = []
    for v in assessment.listed_documents:
        row = {key: getattr(v, key, None) for key, _ in DOCUMENT_COLUMNS}
        row["rectification"] = rectification_label(assessment, v)
        for key in ("signed_on", "published_on"):
            if row[key] is not None:
                row[key] = row[key].isoformat()
        rows.append(row)
    return Section("documents", "本月签发文件 Documents signed this month", DOCUMENT_COLUMNS, rows)


def _entries(evidence: ExplainEvidence) -> Section:
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
        list(evidence.entries),
    )
