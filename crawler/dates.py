"""Find and read the dates written on government pages, every way they are written.

Pages write ``2012-3-5``, ``2012/03/05``, ``2012.3.5``, ``2012年3月5日``, ``二〇一二年三月五日`` or
``20120305``, with or without a time; list pages sometimes write ``今天``, ``昨天 10:20`` or
``3小时前``. The date text is cut out first (``发布时间:2013年02月04日 10:20 浏览次数:35`` is not
something a general date parser reads, and dateparser returns None on the whole label), then
read: absolute dates by the patterns below, relative phrases by dateparser against the moment
the page was fetched (only when the caller gives that moment: a detail page's "今天" is never
guessed). Pages write Beijing time without a zone, so results are aware, in the site's zone.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_TIME = r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
DATE_PATTERN = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*[-年/.]\s*(?P<m>\d{1,2})\s*[-月/.]\s*(?P<d>\d{1,2})"
    r"(?!\d)\s*[日号]?" + _TIME
)
COMPACT_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?!\d)")
# 二〇一二年三月一日: year digit by digit (〇, ○, 零 or a Latin O for zero), month and day as
# numbers (十二, 二十一, 三十).
_CN_DIGITS = "〇○零OＯ一二三四五六七八九"
_CN_NUMBER = "一二三四五六七八九十"
CHINESE_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGITS}]{{4}})\s*年\s*(?P<m>[{_CN_NUMBER}]{{1,3}})\s*月"
    rf"\s*(?P<d>[{_CN_NUMBER}]{{1,3}})\s*[日号]"
)
RELATIVE_PHRASE = re.compile(
    r"(?:刚刚|今天|今日|昨天|前天|\d+\s*(?:秒|秒钟|分钟|小时|天|周|个月)前)"
    r"(?:\s*\d{1,2}\s*:\s*\d{2})?"
)
_DIGIT_VALUES = {c: 0 for c in "〇○零OＯ"} | {c: i for i, c in enumerate("一二三四五六七八九", 1)}


@dataclass(frozen=True)
class FoundDate:
    """A date found in a text, with where it was: ``text[start:end]`` is what was written."""

    value: dt.datetime  # naive; the caller's zone applies
    start: int
    end: int
    has_time: bool


def chinese_number(text: str) -> int | None:
    """Read 一…九十九 as written in dates (十 = 10, 十二 = 12, 二十 = 20, 三十一 = 31)."""
    if not text or any(c not in _CN_NUMBER for c in text):
        return None
    if "十" not in text:
        return _DIGIT_VALUES[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    return (_DIGIT_VALUES[tens] if tens else 1) * 10 + (_DIGIT_VALUES[units] if units else 0)


def _numeric(match: re.Match[str]) -> dt.datetime:
    parts = match.groupdict()
    return dt.datetime(
        int(parts["y"]),
        int(parts["m"]),
        int(parts["d"]),
        int(parts.get("H") or 0),
        int(parts.get("M") or 0),
        int(parts.get("S") or 0),
    )


def _chinese(match: re.Match[str]) -> dt.datetime:
    year = int("".join(str(_DIGIT_VALUES[c]) for c in match["y"]))
    month, day = chinese_number(match["m"]), chinese_number(match["d"])
    if month is None or day is None:
        raise ValueError("not a Chinese-numeral date")
    return dt.datetime(year, month, day)


def iter_dates(text: str | None) -> Iterator[FoundDate]:
    """Yield every valid absolute date written in ``text`` (NFKC-normalised), in text order.

    Numeric dates (with their time, if written) and Chinese-numeral dates; an impossible date
    (2012-02-30) is skipped. Compact ``20120305`` dates are not included: an 8-digit number in
    running text is more often an index or a serial than a date.
    """
    if not text:
        return
    text = unicodedata.normalize("NFKC", text)
    found: list[FoundDate] = []
    for pattern, build in ((DATE_PATTERN, _numeric), (CHINESE_DATE, _chinese)):
        for match in pattern.finditer(text):
            try:
                value = build(match)
            except ValueError:
                continue
            has_time = bool(match.groupdict().get("H"))
            found.append(FoundDate(value, match.start(), match.end(), has_time))
    yield from sorted(found, key=lambda f: f.start)


def relative_datetime(
    text: str, now: dt.datetime, zone: dt.tzinfo = SHANGHAI
) -> dt.datetime | None:
    """Read a relative phrase (今天, 昨天 10:20, 3小时前) cut out of ``text``, against ``now``."""
    match = RELATIVE_PHRASE.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    import dateparser  # loading its language data takes a moment: only when a page needs it

    base = now.astimezone(zone).replace(tzinfo=None)
    parsed = dateparser.parse(
        match.group(0),
        languages=["zh"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )
    if parsed is None:
        return None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)


def find_datetime(
    text: str | None, zone: dt.tzinfo = SHANGHAI, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Return the first date (with its time if written) in ``text``, aware in ``zone``.

    Absolute dates first (numeric or Chinese numerals, in text order), then a compact
    ``YYYYMMDD``; with ``now`` (the moment the page was fetched) a relative phrase is read last.
    """
    if not text:
        return None
    for found in iter_dates(text):
        return found.value.replace(tzinfo=zone)
    normalized = unicodedata.normalize("NFKC", text)
    for match in COMPACT_DATE.finditer(normalized):
        try:
            return _numeric(match).replace(tzinfo=zone)
        except ValueError:
            continue
    if now is not None:
        return relative_datetime(normalized, now, zone)
    return None


def find_date(text: str | None, *, now: dt.datetime | None = None) -> dt.date | None:
    """Return the first valid calendar date in ``text`` (see :func:`find_datetime`)."""
    found = find_datetime(text, now=now)
    return found.date() if found else None


def month_of(moment: dt.datetime, zone: dt.tzinfo = SHANGHAI) -> str:
    """Return ``YYYY-MM`` of ``moment`` in ``zone``: the month a post counts for."""
    return moment.astimezone(zone).strftime("%Y-%m")
