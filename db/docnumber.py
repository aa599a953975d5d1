"""Parse and normalise document numbers (文号) such as 绍市发改〔2012〕12号.

Pages and registers write the year bracket in many ways: 〔2012〕 [2012] 【2012】 (2012) （2012）
［2012］, with stray spaces, full-width digits or 第…号. All become one key,
``prefix〔year〕seq号``, so that a published document and its register row match.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Blank spellings of "this document has no number".
_NONE_VALUES = {"", "无", "暂无", "无文号", "-", "--", "—", "——", "/", "空", "none", "null", "n/a"}
_OPEN = "〔[【(（［〖{"
_CLOSE = "〕]】)）］〗}"
_NUMBER = re.compile(
    rf"^(?P<prefix>.*?)[{re.escape(_OPEN)}](?P<year>(?:19|20)\d\d)[{re.escape(_CLOSE)}]"
    r"第?(?P<seq>\d+)号?$"
)


@dataclass(frozen=True)
class DocNumber:
    """A parsed 文号; ``key`` is the comparison form.

    A number whose shape is not ``prefix〔year〕seq号`` keeps its compacted text as the key and
    no prefix/year/seq: it still matches the same text elsewhere, but joins no number series.
    """

    text: str
    prefix: str | None
    year: int | None
    seq: int | None
    key: str


def compact(text: str) -> str:
    """Fold full-width forms (NFKC) and drop all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def parse_doc_number(text: str | None) -> DocNumber | None:
    """Parse ``text``; return None when the document has no number (blank, 无)."""
    if text is None:
        return None
    folded = compact(text).strip("。.,;；:：")
    if folded.lower() in _NONE_VALUES:
        return None
    match = _NUMBER.match(folded)
    if match is None:
        return DocNumber(text=text.strip(), prefix=None, year=None, seq=None, key=folded)
    prefix = match["prefix"]
    year = int(match["year"])
    seq = int(match["seq"])
    return DocNumber(
        text=text.strip(),
        prefix=prefix,
        year=year,
        seq=seq,
        key=f"{prefix}〔{year}〕{seq}号",
    )


def doc_number_key(text: str | None) -> str | None:
    """Return the normalised key of ``text``, or None when it has no number."""
    parsed = parse_doc_number(text)
    return parsed.key if parsed else None
