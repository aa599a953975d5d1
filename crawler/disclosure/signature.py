"""Read a document's signing date from its closing signature block (落款) at the end of the body.

Many detail tables carry only 索引号, 主题分类, 发布机构, 公开日期, 有效性 and 发文字号: no
成文日期. The signing date is then where the document is signed, at the end of the body: the issuing
unit's name and the date on their own lines (or one line), ``2012年3月1日`` or in Chinese numerals
``二〇一二年三月一日``. Around it sit dates that are not the signing date, and the reader skips
them:

- dates inside sentences (``请于2012年3月15日前报送。``) and after labels (``时间：2012年3月5日``);
- the attachment note (附件说明) ``附件：1.考核细则（2012年2月20日修订）``: the date does not
  end its line;
- the attachments themselves, from a heading ``附件1`` on its own line onwards (an attached
  document has its own signature), and the print record (版记) ``…2012年3月2日印发``;
- the page around the article (related links, footer), when the article's container is known.

The signing date is the last date standing alone at the end of its line, before those.
"""

from __future__ import annotations

import datetime as dt
import re

from crawler.dates import iter_dates
from crawler.pagetext import block_lines

# The article's container on the platforms we know (Hanweb, TRS, JPaaS templates).
CONTENT_SELECTORS = (
    "#zoom",
    "#Zoom",
    ".bt_content",
    "#ivs_content",
    ".TRS_Editor",
    ".wzzw-article",
    ".article-content",
    "#content",
    ".content",
    ".zw",
)
_ATTACHMENT_HEADING = re.compile(r"^附\s*件\s*\d*\s*[:：]?\s*$")
_PAGE_END = re.compile(
    r"版权所有|Copyright|©|主办单位|网站标识码|备案号|相关链接|相关文件|打印本页|关闭窗口"
)
_NOT_A_SIGNATURE = re.compile(r"印发|抄送|发布|公开|更新|浏览|访问|[:：，,。；;?？!！]")
_AFTER_A_LABEL = re.compile(r"(?:日期|时间|日)\s*[:：]?$")  # a table cell's value, not a 落款
_MAX_PREFIX = 40  # a unit's name before the date on the same line, at most


def signature_date(line: str) -> tuple[dt.date, str] | None:
    """Return the date ending ``line`` and its text when the line reads as a 落款."""
    compact = re.sub(r"\s+", "", line)
    dates = list(iter_dates(compact))
    if not dates:
        return None
    last = dates[-1]
    if compact[last.end :].strip("）)") or last.has_time:
        return None
    prefix = compact[: last.start]
    if len(prefix) > _MAX_PREFIX or _NOT_A_SIGNATURE.search(compact) or "(" in prefix:
        return None
    return last.value.date(), compact[last.start : last.end]


def find_signing_date(html: str) -> tuple[dt.date, str] | None:
    """Return the signing date written in the body's 落款 and the text it was read from."""
    found, previous = None, ""
    for line in block_lines(html, CONTENT_SELECTORS):
        if _ATTACHMENT_HEADING.match(line) or _PAGE_END.search(line):
            break
        if not _AFTER_A_LABEL.search(previous):
            found = signature_date(line) or found
        previous = line
    return found
