"""Import registers of signed documents (发文登记) and non-disclosure explanations (不予公开说明).

A department's office system exports what it signed as CSV: department, 文号, title, signing
date, sometimes a 涉密 (classified) column; UTF-8 with or without BOM, or GBK. Departments are
matched through the alias table, documents by normalised 文号 (:mod:`db.docnumber`). About one
row in ten has an empty 文号: it is kept, and matched to published documents by department,
signing date and normalised title (:mod:`scoring.assessment.register_matching`). A bad row is
reported
with its line number and what is wrong, and the other rows still load. Importing the same file
again adds nothing (one row per department and 文号, or per department, date and title).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.attribution import load_resolver
from db.docnumber import DocNumber, parse_doc_number
from db.models import Attribution, NondisclosureExplanation, SignedDocument
from db.names import NameResolver
from scoring.assessment.register_matching import normalise_title

# Column -> header spellings accepted (compared without spaces, case-insensitive).
REGISTER_HEADERS = {
    "department": ("发文单位", "部门", "单位", "发文机关", "部门名称", "department"),
    "doc_number": ("文号", "发文字号", "文件编号", "doc_number"),
    "title": ("标题", "文件标题", "名称", "文件名称", "title"),
    "signed_on": ("成文日期", "发文日期", "签发日期", "signed_on", "signed"),
    "classified": ("是否涉密", "涉密", "密级", "classified"),
}
EXPLANATION_HEADERS = {
    "department": REGISTER_HEADERS["department"],
    "doc_number": REGISTER_HEADERS["doc_number"],
    "reason": ("不予公开理由", "不予公开说明", "理由", "原因", "说明", "reason"),
}
_TRUE = {"是", "y", "yes", "true", "1", "涉密", "秘密", "机密", "绝密"}
_FALSE = {"", "否", "n", "no", "false", "0", "无", "公开", "非涉密", "不涉密"}
ENCODINGS = ("utf-8-sig", "gb18030")
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_DATE = re.compile(r"(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)")


class RegisterFileError(ValueError):
    """The file as a whole cannot be read (encoding, missing columns)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import did: rows added, rows already present, rows rejected with reasons."""

    path: Path
    encoding: str
    added: int = 0
    unchanged: int = 0
    unnumbered: int = 0  # added rows without a 文号 (matched by date and title)
    problems: list[RowProblem] = field(default_factory=list)


def read_text(path: Path) -> tuple[str, str]:
    """Return the file's text and the encoding it was read with (UTF-8 first, then GBK)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RegisterFileError(f"{path}: cannot read: {error.strerror}") from error
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise RegisterFileError(f"{path}: neither UTF-8 nor GBK text")


def _rows(
    path: Path, headers: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[str, Iterator[tuple[int, dict[str, str]]]]:
    text, encoding = read_text(path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration as error:
        raise RegisterFileError(f"{path}: the file is empty") from error
    folded = ["".join(h.split()).lower() for h in header]
    positions: dict[str, int] = {}
    for name, spellings in headers.items():
        for i, value in enumerate(folded):
            if value in {s.lower() for s in spellings}:
                positions[name] = i
                break
    absent = [name for name in required if name not in positions]
    if absent:
        wanted = "; ".join(f"{n}: one of {'/'.join(headers[n])}" for n in absent)
        raise RegisterFileError(f"{path}: line 1: missing column(s) ({wanted}); got {header}")

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            values = {n: (row[i].strip() if i < len(row) else "") for n, i in positions.items()}
            yield reader.line_num, values

    return encoding, rows()


def parse_date_text(text: str) -> dt.date | None:
    """Read 2012-03-05, 2012/3/5, 2012.3.5, 2012年3月5日 or 20120305 (a time may follow)."""
    match = _DATE.fullmatch(text.strip()) or _COMPACT_DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _department(resolver: NameResolver, text: str) -> int | str:
    if not text:
        return "department is blank"
    attribution = resolver.resolve(text)
    if attribution.kind != Attribution.DEPARTMENT or attribution.department_id is None:
        return f"department {text!r} matches no unit (add it with 'scoring aliases add')"
    return attribution.department_id


def _identity(department: int, number_key: str | None, title: str, signed: dt.date) -> tuple:  # type: ignore[type-arg]
    """What makes a register row the same row again: its 文号, else its date and title."""
    if number_key is not None:
        return (department, number_key)
    return (department, signed, normalise_title(title))


def import_register(session: Session, path: Path) -> ImportResult:
    """Load a register of signed documents; see the module docstring."""
    encoding, rows = _rows(
        path, REGISTER_HEADERS, ("department", "doc_number", "title", "signed_on")
    )
    result = ImportResult(path=path, encoding=encoding)
    resolver = load_resolver(session)
    existing = _stored_identities(session)
    seen: dict[tuple, int] = {}  # type: ignore[type-arg]
    for line, row in rows:
        department = _department(resolver, row["department"])
        number = parse_doc_number(row["doc_number"])
        signed = parse_date_text(row["signed_on"])
        errors = _register_row_errors(row, department, signed)
        if errors:
            result.problems.append(RowProblem(line, "; ".join(errors)))
            continue
        assert isinstance(department, int) and signed is not None
        key = _identity(department, number.key if number else None, row["title"], signed)
        if key in seen:
            what = f"文号 {row['doc_number']!r}" if number else "the same title and date"
            result.problems.append(RowProblem(line, f"{what} repeats line {seen[key]}"))
            continue
        seen[key] = line
        if key in existing:
            result.unchanged += 1
            continue
        session.add(_signed_document(row, department, number, signed, path, line))
        existing.add(key)
        result.added += 1
        if number is None:
            result.unnumbered += 1
    session.flush()
    return result


def _stored_identities(session: Session) -> set[tuple]:  # type: ignore[type-arg]
    """The identity of every register row already stored: re-importing a file adds nothing."""
    return {
        _identity(department, key, title, signed)
        for department, key, title, signed in session.execute(
            select(
                SignedDocument.department_id,
                SignedDocument.doc_number_key,
                SignedDocument.title,
                SignedDocument.signed_on,
            )
        )
    }


def _register_row_errors(
    row: dict[str, str], department: int | str, signed: dt.date | None
) -> list[str]:
    """What is wrong with one row of a register, each problem in a few words."""
    errors = []
    if isinstance(department, str):
        errors.append(department)
    if not row["title"]:
        errors.append("title is blank")
    if signed is None:
        errors.append(f"signed date {row['signed_on']!r} is not a date (YYYY-MM-DD)")
    if _classified_text(row) not in _TRUE | _FALSE:
        errors.append(f"涉密 value {row.get('classified')!r} is neither 是 nor 否")
    return errors


def _classified_text(row: dict[str, str]) -> str:
    return row.get("classified", "").strip().lower()


def _signed_document(
    row: dict[str, str],
    department: int,
    number: DocNumber | None,
    signed: dt.date,
    path: Path,
    line: int,
) -> SignedDocument:
    return SignedDocument(
        department_id=department,
        doc_number=row["doc_number"][:128] if number else None,
        doc_number_key=number.key[:128] if number else None,
        title=row["title"][:512],
        signed_on=signed,
        classified=_classified_text(row) in _TRUE,
        source_file=str(path)[:512],
        source_line=line,
    )


def import_explanations(session: Session, path: Path) -> ImportResult:
    """Load non-disclosure explanations (不予公开说明): department, 文号, reason."""
    encoding, rows = _rows(path, EXPLANATION_HEADERS, ("department", "doc_number", "reason"))
    result = ImportResult(path=path, encoding=encoding)
    resolver = load_resolver(session)
    existing = set(
        session.execute(
            select(NondisclosureExplanation.department_id, NondisclosureExplanation.doc_number_key)
        ).all()
    )
    for line, row in rows:
        department = _department(resolver, row["department"])
        number = parse_doc_number(row["doc_number"])
        errors = []
        if isinstance(department, str):
            errors.append(department)
        if number is None:
            errors.append(f"文号 is blank ({row['doc_number']!r})")
        if not row["reason"]:
            errors.append("reason (不予公开理由) is blank")
        if errors:
            result.problems.append(RowProblem(line, "; ".join(errors)))
            continue
        assert isinstance(department, int) and number is not None
        key = (department, number.key)
        if key in existing:
            result.unchanged += 1
            continue
        session.add(
            NondisclosureExplanation(
                department_id=department,
                doc_number=row["doc_number"][:128],
                doc_number_key=number.key[:128],
                reason=row["reason"],
                source_file=str(path)[:512],
            )
        )
        existing.add(key)
        result.added += 1
    session.flush()
    return result
