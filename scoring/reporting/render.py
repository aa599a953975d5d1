"""Render a :class:`Report` as a terminal table, JSON, CSV, XLSX or self-contained HTML.

A flagged column (``Section.flags``) keeps its numbers; the table prints the flag beside each
value (a missing value prints the flag alone), CSV puts it in the column header.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from scoring.reporting.model import Report
from scoring.reporting.table import render_table

REPORT_FORMATS = ("table", "json", "csv", "xlsx", "html")
BINARY_FORMATS = ("xlsx",)
EXTENSIONS = {"table": "txt", "json": "json", "csv": "csv", "xlsx": "xlsx", "html": "html"}


def render_text(report: Report) -> str:
    """Title, metadata and each section as an aligned table with Chinese headers."""
    parts = [report.title, "=" * 40]
    parts += [f"{label}: {value}" for label, value in report.meta]
    for section in report.sections:
        headers = [header for _, header in section.columns]
        rows = [
            {
                header: flagged_text(row.get(key), section.flags.get(key))
                for key, header in section.columns
            }
            for row in section.rows
        ]
        parts += ["", f"## {section.title} ({len(section.rows)})"]
        parts.append(render_table(rows, headers).rstrip("\n") if rows else "(none)")
    return "\n".join(parts) + "\n"


def points_text(value: object) -> object:
    """Points (the only floats in a report) print with two decimals, as published."""
    return f"{value:.2f}" if isinstance(value, float) else value


def flagged_text(value: object, flag: str | None) -> Any:
    """A cell as printed: the value, and its column's flag beside it (alone when no value)."""
    if flag is None:
        return points_text(value)
    if value is None or value == "":
        return flag
    return f"{points_text(value)} ({flag})"


def render_json(report: Report) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"


def render_csv(report: Report) -> str:
    """Every section in turn: a ``# title`` line, the header row, the rows, a blank line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if report.provisional:
        writer.writerow([f"# {report.title}"])
        writer.writerow([])
    for section in report.sections:
        writer.writerow([f"# {section.title}"])
        writer.writerow([section.header(key, header) for key, header in section.columns])
        for row in section.rows:
            writer.writerow(["" if row.get(k) is None else row.get(k) for k, _ in section.columns])
        writer.writerow([])
    return buffer.getvalue()


def render(report: Report, fmt: str) -> str | bytes:
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "xlsx":
        from scoring.reporting.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "html":
        from scoring.reporting.html import render_html

        return render_html(report)
    return render_text(report)
