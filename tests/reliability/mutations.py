"""Seeded page mutations for the fuzz tests: every page a broken or hostile site could serve.

:func:`mutations` turns a handful of real sample pages into a reproducible stream of
``(kind, body, headers)`` mutants: truncated, re-encoded, mixed encodings, random bytes, garbage
nested in the jpage ``<datastore>`` XML, dates far in the future or the distant past, fields
removed, and bodies over the size cap. The same seed always gives the same pages.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

KINDS = (
    "truncated",
    "wrong_encoding",
    "mixed_encoding",
    "random_bytes",
    "byte_flips",
    "future_date",
    "ancient_date",
    "missing_fields",
    "jpage_garbage",
    "nested_tags",
    "huge_numbers",
)
_DATE = re.compile(r"(19|20)\d{2}([-年/.])\d{1,2}")
_FIELD = re.compile(
    r"<meta name=\"(?:ArticleTitle|pubdate|ContentSource)\"[^>]*>|<h1>.*?</h1>|<title>.*?</title>"
    r"|(?:发布时间|发布日期|信息来源|来源)[:：][^<\s]*",
    re.S,
)


@dataclass(frozen=True)
class Mutant:
    kind: str
    body: bytes
    encoding: str | None  # what the Content-Type header will claim


def _garbage_xml(rng: random.Random) -> str:
    pieces = [
        "<record><![CDATA[<li><a href='",
        "]]></record>",
        "<record>",
        "<![CDATA[",
        "]]>",
        "<recordset>",
        "</datastore>",
        "<totalrecord>99999999999999999999</totalrecord>",
        "<totalrecord>-3</totalrecord>",
        "<nextgroup><![CDATA[<a href='javascript:void(0)'>]]></nextgroup>",
        "<li><a href=''></a></li>",
        "<li><a href='/art/9999/99/99/art_1229_x.html'>x</a><span>2012-13-45</span></li>",
        "&#0;&#xFFFF;&bogus;",
        "\x00\x01\x02",
        "<" * 50,
    ]
    depth = rng.randint(1, 40)
    inner = "".join(rng.choice(pieces) for _ in range(rng.randint(3, 30)))
    return "<record><![CDATA[" * depth + inner + "]]></record>" * rng.randint(0, depth)


def mutate(page: str, kind: str, rng: random.Random) -> Mutant:
    """Return one mutant of ``page`` (UTF-8 text) of the given kind."""
    raw = page.encode("utf-8")
    if kind == "truncated":
        return Mutant(kind, raw[: rng.randint(0, max(1, len(raw) - 1))], "utf-8")
    if kind == "wrong_encoding":  # GBK bytes declared UTF-8, or UTF-8 declared GBK / latin-1
        claimed = rng.choice(["utf-8", "gbk", "iso-8859-1", "big5", "utf-16"])
        body = page.encode("gbk", errors="replace") if claimed == "utf-8" else raw
        return Mutant(kind, body, claimed)
    if kind == "mixed_encoding":
        cut = rng.randint(0, len(page))
        body = page[:cut].encode("utf-8") + page[cut:].encode("gbk", errors="replace")
        return Mutant(kind, body, rng.choice(["utf-8", "gbk", None]))
    if kind == "random_bytes":
        return Mutant(kind, rng.randbytes(rng.randint(0, 4096)), rng.choice(["utf-8", None]))
    if kind == "byte_flips":
        body = bytearray(raw)
        for _ in range(rng.randint(1, 50)):
            if body:
                body[rng.randrange(len(body))] = rng.randrange(256)
        return Mutant(kind, bytes(body), "utf-8")
    if kind == "future_date":
        year = str(rng.choice([2099, 2038, 2200 - 101]))
        return Mutant(kind, _DATE.sub(lambda m: year + m.group(2) + "01", page).encode(), "utf-8")
    if kind == "ancient_date":
        year = str(rng.choice([1900, 1949, 1970]))
        return Mutant(kind, _DATE.sub(lambda m: year + m.group(2) + "01", page).encode(), "utf-8")
    if kind == "missing_fields":
        found = _FIELD.findall(page)
        drop = set(rng.sample(found, k=rng.randint(1, len(found)))) if found else set()
        text = page
        for field in drop:
            text = text.replace(field, "")
        return Mutant(kind, text.encode(), "utf-8")
    if kind == "jpage_garbage":
        at = page.find("<recordset>")
        at = at if at >= 0 else rng.randint(0, len(page))
        text = page[:at] + _garbage_xml(rng) + page[at:]
        return Mutant(kind, text.encode(), "utf-8")
    if kind == "nested_tags":
        depth = rng.randint(100, 3000)
        tag = rng.choice(["div", "table", "li", "a", "span"])
        text = page.replace("<body>", "<body>" + f"<{tag}>" * depth, 1)
        return Mutant(kind, text.encode(), "utf-8")
    if kind == "huge_numbers":
        text = re.sub(r"\d+", lambda m: "9" * rng.randint(1, 400), page)
        return Mutant(kind, text.encode(), "utf-8")
    raise ValueError(kind)


def mutations(pages: list[str], count: int, seed: int) -> Iterator[Mutant]:
    """Yield ``count`` mutants of ``pages``, cycling through every kind, reproducibly."""
    rng = random.Random(seed)
    for index in range(count):
        yield mutate(rng.choice(pages), KINDS[index % len(KINDS)], rng)
