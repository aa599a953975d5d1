"""The readable text of a stored page: what a visitor reads, without markup, scripts or head.

Block elements (paragraphs, cells, list items, line breaks) end a line, inline ones do not, so
a sentence split by ``<b>`` or ``<span>`` stays one sentence. Regular expressions rather than a
parser: the wording scan reads every stored page, and this is the cost it adds to reading them.
"""

from __future__ import annotations

import html
import re
import zlib
from functools import cache

_DROPPED = re.compile(
    r"<(script|style|head|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE
)
_BLOCK = re.compile(
    r"<(?:br|/?(?:p|div|li|tr|td|th|h[1-6]|ul|ol|table|section|article|dd|dt|dl|header|footer|"
    r"nav|form|blockquote|pre))\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_BLANK_LINES = re.compile(r"\s*\n\s*")
TEXT_TYPES = ("html", "text", "xml")


def page_text(markup: str) -> str:
    """The text of an HTML page, one line per block."""
    text = _DROPPED.sub("", markup)
    text = _BLOCK.sub("\n", text)
    text = _TAG.sub("", text)
    return _BLANK_LINES.sub("\n", html.unescape(text)).strip()


def decoded(data: bytes, compression: str, encoding: str | None) -> str:
    """A stored body as text, in the encoding the crawler detected (UTF-8 if none)."""
    return decode(inflated(data, compression), encoding)


def inflated(data: bytes, compression: str) -> bytes:
    """A stored body's bytes as served."""
    return zlib.decompress(data) if compression == "zlib" else data


def decode(raw: bytes, encoding: str | None) -> str:
    """Bytes as text in ``encoding`` (UTF-8 if none or unknown), undecodable bytes replaced."""
    try:
        return raw.decode(encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding name Python does not know
        return raw.decode("utf-8", errors="replace")


@cache
def ascii_compatible(encoding: str | None) -> bool:
    """Whether markup bytes in ``encoding`` can be cut at ``<`` and ``>`` before decoding.

    True for the encodings of Chinese sites (UTF-8, GBK/GB18030, Big5): no byte of a
    multi-byte character is ever ``<`` or ``>``.
    """
    return (encoding or "utf-8").lower().replace("_", "-") in ASCII_COMPATIBLE


ASCII_COMPATIBLE = frozenset(
    {"utf-8", "utf8", "gbk", "gb2312", "gb18030", "cp936", "big5", "ascii", "us-ascii"}
    | {"iso-8859-1", "latin-1", "windows-1252", "cp1252"}
)


def is_text(content_type: str | None) -> bool:
    """Whether a body of this type has text to read (pages do; PDFs and images not here)."""
    return content_type is None or any(kind in content_type.lower() for kind in TEXT_TYPES)
