"""Self-contained HTML: inline CSS and an inline SVG chart of posts vs quota, no outside requests.

The file opens from a USB stick or an e-mail attachment exactly as printed: no fonts, scripts,
images or styles are fetched from anywhere. A flagged column (``INCOMPLETE``, ``PROVISIONAL``)
says so in its header and in red beside each value.
"""

from __future__ import annotations

from html import escape
from typing import Any

from scoring.reporting.model import FLAG_LABELS, Report

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:12px;margin:8px 0}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right}
.incomplete{color:#a40000;font-weight:bold}
.flag{color:#a40000;font-weight:bold;font-size:10px}
p.provisional{color:#a40000;font-weight:bold;border:2px solid #a40000;padding:6px}
dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 12px;font-size:13px}
dl.meta dt{font-weight:bold}
"""

BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 8, 6, 150, 520


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        '<dl class="meta">',
        *(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in report.meta),
        "</dl>",
    ]
    if report.provisional:
        parts.append(
            '<p class="provisional">暂定排名 PROVISIONAL ranking: sub-items still have no points; '
            "totals may rise and ranks change.</p>"
        )
    if report.chart:
        parts += ["<h2>信息发布与配额 Posts vs quota</h2>", chart_svg(report.chart)]
    for section in report.sections:
        parts.append(f"<h2>{escape(section.title)} ({len(section.rows)})</h2>")
        if not section.rows:
            parts.append("<p>(none)</p>")
            continue
        parts.append("<table><thead><tr>")
        parts += [f"<th>{escape(section.header(k, h))}</th>" for k, h in section.columns]
        parts.append("</tr></thead><tbody>")
        for row in section.rows:
            cells = "".join(_cell(row.get(k), section.flags.get(k)) for k, _ in section.columns)
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _cell(value: Any, flag: str | None = None) -> str:
    if flag is not None:
        mark = f'<span class="flag">{escape(FLAG_LABELS[flag])}</span>'
        if value is None or value == "":
            return f'<td class="incomplete">{mark}</td>'
        shown = f"{value:.2f}" if isinstance(value, float) else escape(str(value))
        return f'<td class="num">{shown} {mark}</td>'
    if value is None:
        return "<td></td>"
    if isinstance(value, bool):
        return f"<td>{'是' if value else ''}</td>"
    if isinstance(value, float):
        return f'<td class="num">{value:.2f}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    text = escape(str(value))
    if "INCOMPLETE" in text:
        return f'<td class="incomplete">{text}</td>'
    return f"<td>{text}</td>"


def chart_svg(points: list[dict[str, Any]]) -> str:
    """Horizontal bars per department: posts (blue, red when short) over quota (grey)."""
    top = max([1, *(max(p["posts"], p["quota"]) for p in points)])
    scale = (CHART_WIDTH - LABEL_WIDTH - 60) / top
    row_height = 2 * BAR_HEIGHT + GAP
    height = row_height * len(points) + 30
    parts = [
        f'<svg width="{CHART_WIDTH}" height="{height}" '
        f'role="img" aria-label="posts vs quota" font-size="10">',
        f'<rect x="{LABEL_WIDTH}" y="0" width="10" height="8" fill="#2b6cb0"/>'
        f'<text x="{LABEL_WIDTH + 14}" y="8">posts 信息数</text>'
        f'<rect x="{LABEL_WIDTH + 90}" y="0" width="10" height="8" fill="#bbb"/>'
        f'<text x="{LABEL_WIDTH + 104}" y="8">quota 配额</text>',
    ]
    for index, point in enumerate(points):
        y = 20 + index * row_height
        short = point["posts"] < point["quota"]
        colour = "#c53030" if short else "#2b6cb0"
        label = escape(str(point["department"])) + (" (不完整)" if point.get("incomplete") else "")
        parts.append(
            f'<g class="bar"><text x="{LABEL_WIDTH - 4}" y="{y + BAR_HEIGHT + 2}" '
            f'text-anchor="end">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{point["posts"] * scale:.1f}" '
            f'height="{BAR_HEIGHT}" fill="{colour}"><title>{label}: {point["posts"]} posts'
            f"</title></rect>"
            f'<rect x="{LABEL_WIDTH}" y="{y + BAR_HEIGHT}" width="{point["quota"] * scale:.1f}" '
            f'height="{BAR_HEIGHT}" fill="#bbb"><title>quota {point["quota"]}</title></rect>'
            f'<text x="{LABEL_WIDTH + max(point["posts"], point["quota"]) * scale + 4:.1f}" '
            f'y="{y + BAR_HEIGHT + 2}">{point["posts"]}/{point["quota"]}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
