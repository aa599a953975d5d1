"""The inspection as a report (the shared :class:`Report`), printable in the five formats."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from scoring.inspection.interaction import STATUS_WORDS
from scoring.inspection.reachability import FAILED, SLOW, probe_summary
from scoring.inspection.site import Inspection
from scoring.inspection.verdict import local_time
from scoring.reporting.model import Report, Section, pts
from scoring.rules.national_model import NationalRules

INDICATOR_COLUMNS = [
    ("indicator", "指标 indicator"),
    ("name", "名称 name"),
    ("kind", "类型 kind"),
    ("value", "值 value"),
    ("threshold", "阈值 threshold"),
    ("warn_at", "预警线 warning level"),
    ("status", "状态 status"),
    ("points", "扣分 points"),
    ("evidence", "证据 evidence"),
]
COLUMN_COLUMNS = [
    ("column", "栏目 column"),
    ("name", "名称 name"),
    ("category", "类别 category"),
    ("newest", "最新信息 newest item"),
    ("age_days", "天数 days"),
    ("status", "状态 status"),
    ("reason", "说明 reason"),
    ("list_page", "列表页证据 list page"),
]
PROBE_COLUMNS = [
    ("target", "对象 target"),
    ("url", "地址 URL"),
    ("probes", "监测次数 probes"),
    ("failed", "失败 failed"),
    ("slow", "超时 slow"),
    ("not_counted", "不计 not counted"),
    ("median_seconds", "中位耗时 median s"),
]
PROBE_PROBLEM_COLUMNS = [
    ("probed_at", "时间 time"),
    ("target", "对象 target"),
    ("verdict", "结果 verdict"),
    ("what", "状态或错误 status or error"),
    ("url", "地址 URL"),
]
LINK_COLUMNS = [
    ("url", "链接 link"),
    ("kind", "类型 kind"),
    ("where", "位置 where"),
    ("status", "状态 status"),
    ("what", "最近结果 latest check"),
    ("failing_since", "首次失败 failing since"),
    ("last_checked", "最近检查 last checked"),
    ("found_on", "所在页面 found on"),
]
LETTER_COLUMNS = [
    ("column", "栏目 column"),
    ("title", "信件标题 letter"),
    ("written", "来信时间 written"),
    ("status", "状态 status"),
    ("replied", "回复时间 replied"),
    ("working_days", "回复工作日 working days"),
    ("limit_on", "满期日 limit day"),
    ("verdict", "结论 verdict"),
    ("reply_unit", "回复单位 reply unit"),
    ("url", "地址 URL"),
]
CONSULTATION_COLUMNS = [
    ("column", "栏目 column"),
    ("name", "名称 name"),
    ("walked", "读取时间 walked"),
    ("letters", "信件数 letters"),
    ("form", "写信页面 form page"),
    ("not_provable", "无法证明 not provable"),
]


WORDING_COLUMNS = [
    ("finding", "编号 finding"),
    ("review", "复核 review"),
    ("found", "原文 as written"),
    ("right", "应为 right form"),
    ("rule", "规则 rule"),
    ("sentence", "所在句子 sentence"),
    ("source", "来源 source"),
    ("page", "页面证据 page"),
]
UNPROVEN_COLUMNS = [
    ("indicator", "指标 indicator"),
    ("name", "名称 name"),
    ("status", "状态 status"),
    ("why", "无法证明的原因 why not provable"),
]


def inspection_report(inspection: Inspection, rules: NationalRules) -> Report:
    """Build the inspection report of one site: its facts, then one section per finding kind."""
    site, day = inspection.site, inspection.day
    when = f"{day.first_day} – {day.day}" if day.first_day is not None else str(day.day)
    title = f"网站检查 National inspection: {site.name} ({site.key}), {when}"
    return Report(
        "inspection",
        day.day.isoformat(),
        title,
        _meta(inspection, rules),
        _sections(inspection, rules),
    )


def _meta(inspection: Inspection, rules: NationalRules) -> list[tuple[str, str]]:
    site, day = inspection.site, inspection.day
    statuses = Counter(i.status for i in inspection.indicators)
    points = sum((i.points or Decimal(0) for i in inspection.indicators), Decimal(0))
    summary = (
        f"veto {statuses['veto']}, deduction {statuses['deduction']} "
        f"({pts(points):.2f} points), warning {statuses['warning']}, "
        f"not provable {statuses['not provable']}, ok {statuses['ok']}"
    )
    return [
        ("站点 site", f"{site.name} ({site.key})"),
        ("网址 URL", site.base_url),
        ("检查日期 inspection date", day.day.isoformat()),
        *(
            [("检查期间 period", f"{day.first_day} – {day.day}")]
            if day.first_day is not None
            else []
        ),
        ("证据截止 evidence until", f"{local_time(day.end)} Asia/Shanghai (exclusive)"),
        ("规则 rules", f"{rules.title} {rules.document_number}"),
        ("规则文件 rules file", f"{rules.path} (version {rules.version[:12]})"),
        ("结论 summary", summary),
    ]


def _sections(inspection: Inspection, rules: NationalRules) -> list[Section]:
    return [
        Section(
            "indicators", "检查指标 Indicators", INDICATOR_COLUMNS, _indicator_rows(inspection)
        ),
        Section(
            "not_provable",
            "无法证明 What could not be proved, per indicator",
            UNPROVEN_COLUMNS,
            _unproven_rows(inspection),
        ),
        Section("columns", "栏目 Columns", COLUMN_COLUMNS, _column_rows(inspection)),
        Section("probes", "可访问性监测 Probes", PROBE_COLUMNS, probe_summary(inspection.probes)),
        Section(
            "probe_problems",
            "失败或超时的监测 Failed and slow probes",
            PROBE_PROBLEM_COLUMNS,
            _probe_problem_rows(inspection),
        ),
        Section("links", "链接问题 Link problems", LINK_COLUMNS, _link_rows(inspection)),
        Section(
            "consultation_columns",
            "政务咨询类栏目 Consultation columns",
            CONSULTATION_COLUMNS,
            _consultation_rows(inspection),
        ),
        Section("letters", "信件 Letters", LETTER_COLUMNS, _letter_rows(inspection)),
        Section(
            "wording",
            "用语问题 Wording hits (严重错误 candidates)",
            WORDING_COLUMNS,
            _wording_rows(inspection),
        ),
        Section(
            "policy",
            "检查规则 Rules in force",
            [("setting", "设置 setting"), ("value", "取值 value")],
            [{"setting": name, "value": value} for name, value in rules.policy_rows()],
        ),
    ]


def _probe_problem_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "probed_at": local_time(p.probed_at),
            "target": p.target,
            "verdict": p.verdict,
            "what": p.what,
            "url": p.url,
        }
        for p in inspection.probes
        if p.verdict in (FAILED, SLOW)
    ]


def _indicator_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "indicator": i.key,
            "name": i.name,
            "kind": i.kind,
            "value": i.value,
            "threshold": i.threshold,
            "warn_at": i.warn_at,
            "status": i.status,
            "points": pts(i.points) if i.points is not None else None,
            "evidence": i.evidence,
        }
        for i in inspection.indicators
    ]


def _column_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "column": c.key,
            "name": c.name,
            "category": c.category or "",
            "newest": c.newest_on.isoformat() if c.newest_on else "",
            "age_days": c.age_days,
            "status": c.status,
            "reason": c.reason,
            "list_page": c.evidence,
        }
        for c in inspection.columns
    ]


def _link_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "url": f.url,
            "kind": f"{'internal' if f.internal else 'external'} {f.kind}",
            "where": "home page" if f.on_home else "other page",
            "status": f.status,
            "what": f.what,
            "failing_since": local_time(f.first_failed_at) if f.first_failed_at else "",
            "last_checked": local_time(f.last_checked_at),
            "found_on": f.found_on
            + (f" (sha256 {f.found_on_sha256[:12]})" if f.found_on_sha256 else ""),
        }
        for f in inspection.links.findings
    ]


def _consultation_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "column": c.key,
            "name": c.name,
            "walked": local_time(c.walked_at) + ("" if c.complete else " (not whole)"),
            "letters": c.letters,
            "form": f"{c.form_state or '-'} {c.form_url or ''}".strip(),
            "not_provable": c.unprovable or "",
        }
        for c in inspection.interaction.columns
    ]


def _letter_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "column": x.column,
            "title": x.title,
            "written": x.submitted_on.isoformat(),
            "status": STATUS_WORDS.get(x.status, x.status),
            "replied": x.replied_on.isoformat() if x.replied_on else "",
            "working_days": x.lag_working_days,
            "limit_on": x.limit_on.isoformat(),
            "verdict": x.verdict,
            "reply_unit": x.reply_unit or "",
            "url": x.url,
        }
        for x in inspection.interaction.letters
    ]


def _unproven_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {"indicator": i.key, "name": i.name, "status": i.status, "why": i.unproven}
        for i in inspection.indicators
        if i.unproven
    ]


def _wording_rows(inspection: Inspection) -> list[dict[str, object]]:
    return [
        {
            "finding": h.finding_id,
            "review": f"{h.review.label} {h.review.value}",
            "found": h.found,
            "right": h.right,
            "rule": h.rule_key,
            "sentence": h.sentence,
            "source": h.source,
            "page": f"{h.url} (fetched {local_time(h.fetched_at)}, sha256 {h.sha256[:12]})",
        }
        for h in inspection.wording.hits
    ]
