"""XLSX for the office: one sheet per section, Chinese headers, frozen header row, set widths."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from scoring.reporting.model import Report, Section

MIN_WIDTH, MAX_WIDTH = 6, 60


def sheet_name(title: str, used: set[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def render_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    info = workbook.active
    used = {"报告信息"}
    info.title = "报告信息"
    _fill(info, ["项目 item", "内容 value"], [[report.title, ""], *map(list, report.meta)])
    for section in report.sections:
        sheet = workbook.create_sheet(sheet_name(section.title, used))
        _fill(sheet, [h for _, h in section.columns], _rows(section))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(section: Section) -> list[list[object]]:
    return [[row.get(key) for key, _ in section.columns] for row in section.rows]


def _fill(sheet, headers: list[str], rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
    from scoring.cli.output import display_width  # scoring.cli imports this module

    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        widest = max(
            [display_width(header), *(display_width(str(r[index - 1] or "")) for r in rows)]
        )
        width = min(MAX_WIDTH, max(MIN_WIDTH, widest + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
