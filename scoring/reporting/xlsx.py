"""XLSX for the office: one sheet per section, Chinese headers, frozen header row, set widths.

Flagged columns carry the flag in their header and show their values in red. The file is the
same bytes every time the same report is rendered (fixed document dates and zip entry times),
so a stored score run re-prints byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from scoring.reporting.model import Report, Section
from scoring.reporting.table import display_width

MIN_WIDTH, MAX_WIDTH = 6, 60
FIXED_TIME = dt.datetime(2000, 1, 1)  # document and zip entry dates: the content decides bytes
FLAGGED = Font(color="A40000", bold=True)


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
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    info = workbook.active
    used = {"报告信息"}
    info.title = "报告信息"
    _fill(info, ["项目 item", "内容 value"], [[report.title, ""], *map(list, report.meta)])
    for section in report.sections:
        sheet = workbook.create_sheet(sheet_name(section.title, used))
        _fill(sheet, [section.header(k, h) for k, h in section.columns], _rows(section))
        for index, (key, _) in enumerate(section.columns, start=1):
            if key in section.flags:
                for cells in sheet.iter_rows(min_row=1, min_col=index, max_col=index):
                    cells[0].font = FLAGGED
    buffer = io.BytesIO()
    # ExcelWriter, not workbook.save(): save() stamps the document's "modified" with the clock
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with one fixed entry time: openpyxl stamps entries with the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def _rows(section: Section) -> list[list[object]]:
    return [[row.get(key) for key, _ in section.columns] for row in section.rows]


def _fill(sheet, headers: list[str], rows: list[list[object]]) -> None:  # type: ignore[no-untyped-def]
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
