"""Read the visible text of a page, even of a page whose markup is broken.

lxml (through parsel) is fast and forgiving, but libxml2 loses text on two kinds of broken
pages that government CMS templates produce: content after a premature ``</body></html>``
(a template closed before the article, or a Word document pasted with its own closing tags)
is dropped from the body, and an unclosed ``<title>`` or ``<textarea>`` swallows the rest of
the page as its text. Those are exactly where a document's closing signature (落款) sits, so on
such pages the text is read with BeautifulSoup's ``html.parser``, which keeps it.

:func:`block_lines` returns text the way it reads on paper: one line per paragraph, table cell
or ``<br>``, with inline pieces (``<span>2012</span>年<span>3</span>月``) joined.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from parsel import Selector

_CLOSED_EARLY = re.compile(r"</(?:body|html)\s*>(?P<rest>.*)", re.I | re.S)
_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_RAW_TEXT_TAGS = ("title", "textarea")
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:p|div|br|tr|td|th|li|ul|ol|dl|dt|dd|table|h[1-6]|section|article|center|pre)\b)",
    re.I,
)
_LINE_MARK = "\u2029"  # a paragraph separator put before block tags; never in page text
_SPACES = re.compile(r"[ \t\r\n\f\v\u3000\xa0]+")
# Control characters libxml2 drops and html.parser keeps (PostgreSQL refuses NUL in text).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def looks_broken(html: str) -> bool:
    """Return True when lxml would lose text of ``html`` (see the module docstring)."""
    early = _CLOSED_EARLY.search(html)
    if early and _TAG.sub("", _SCRIPT.sub("", early["rest"])).strip():
        return True
    lower = html.lower()
    return any(lower.count(f"<{tag}") > lower.count(f"</{tag}") for tag in _RAW_TEXT_TAGS)


def _normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", _CONTROLS.sub("", text))


def _lines(parts: list[str]) -> str:
    return _normalized("\n".join(p.strip() for p in parts if p.strip()))


def lenient_text(html: str) -> str:
    """Return the text of ``html`` read by BeautifulSoup, without scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for node in soup(["script", "style", "title"]):
        node.decompose()
    return _lines(list(soup.stripped_strings))


def lenient_heading(html: str) -> str | None:
    """Return the first ``<h1>`` of a broken page, else its ``<title>``, read by BeautifulSoup."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for node in (soup.find("h1"), soup.find("title")):
        if node is not None and (text := " ".join(_normalized(node.get_text(" ")).split())):
            return text
    return None


def visible_text(html: str, selector: Selector | None = None) -> str:
    """Return the page's visible text, one text node a line, NFKC-normalised."""
    if looks_broken(html):
        return lenient_text(html)
    page = selector if selector is not None else Selector(text=html)
    parts = page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    text = _lines(parts.getall())
    return text or _lines(page.xpath("//text()").getall())


def _split(text: str) -> list[str]:
    lines = (_SPACES.sub(" ", part).strip() for part in text.split(_LINE_MARK))
    return [_normalized(line) for line in lines if line]


def block_lines(html: str, containers: Sequence[str] = ()) -> list[str]:
    """Return the lines of the first of ``containers`` (CSS) found, else of the whole body."""
    marked = _BLOCK_TAG.sub(_LINE_MARK + "<", html)
    if looks_broken(html):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(marked, "html.parser")
        for node in soup(["script", "style", "title", "head"]):
            node.decompose()
        everything = _split(soup.get_text(""))
        for css in containers:
            found = soup.select_one(css)
            if found is not None and (lines := _split(found.get_text(""))):
                # The container may have been closed early: keep reading to the end.
                start = everything.index(lines[0]) if lines[0] in everything else 0
                return everything[start:]
        return everything
    page = Selector(text=marked)
    text_nodes = ".//text()[not(ancestor::script) and not(ancestor::style)]"
    for css in containers:
        found = page.css(css)
        if found and (lines := _split("".join(found[0].xpath(text_nodes).getall()))):
            return lines
    body = page.xpath("//body")
    return _split("".join((body[0] if body else page).xpath(text_nodes).getall()))
