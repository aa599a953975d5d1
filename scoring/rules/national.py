"""Read the national inspection rules file (``national-2019.toml``) and validate it strictly.

Validated like the city's rules (same reader, same one-line errors naming the file and the key
path), e.g. ``national-2019.toml: indicator › stale_columns › warn_at: expected a number below
the threshold (5), got 7``. Every indicator the inspection computes must be present; categories
named by an indicator must be defined.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from scoring.rules.loader import (
    INTEGER,
    TABLE,
    TEXT,
    _Reader,
    choice,
    read_rules_file,
)
from scoring.rules.national_model import (
    DEDUCTION,
    VETO,
    AnnualReportRule,
    Category,
    ColumnCountRule,
    EarlyWarningPolicy,
    Level,
    LinkRule,
    NationalRules,
    Span,
    UnreachableRule,
)

DEFAULT_NATIONAL_RULES_FILE = Path(__file__).with_name("national-2019.toml")
COLUMN_STATUSES = ("warning", "stale")
_SPAN = re.compile(r"(\d+)([dwmy])")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")

INDICATORS = (
    "site_unreachable",
    "home_not_updated",
    "stale_columns",
    "long_unupdated_columns",
    "blank_columns",
    "broken_links_home",
    "broken_links_other",
    "columns_past_period",
    "annual_report",
)


def NUMBER(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TypeError("a number >= 0")
    return Decimal(str(value))


def SPAN(value: Any) -> Span:
    match = _SPAN.fullmatch(value) if isinstance(value, str) else None
    if match is None or int(match[1]) <= 0:
        raise TypeError("a period like 14d, 2w, 6m or 1y")
    amount, unit = int(match[1]), match[2]
    if unit == "w":
        return Span(amount * 7, "d", value)
    if unit == "y":
        return Span(amount * 12, "m", value)
    return Span(amount, unit, value)


def OPTIONAL_SPAN(value: Any) -> Span | None:
    if value == "none":
        return None
    try:
        return SPAN(value)
    except TypeError:
        raise TypeError('a period like 14d, 2w, 6m or 1y, or "none"') from None


def MONTH_DAY(value: Any) -> tuple[int, int]:
    match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise TypeError("a month and day written MM-DD, e.g. 01-31")
    return int(match[1]), int(match[2])


def TEXTS(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TypeError("a non-empty array of strings")
    return tuple(value)


def POSITIVE(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise TypeError("a positive integer")
    return value


def load_national_rules(path: Path = DEFAULT_NATIONAL_RULES_FILE) -> NationalRules:
    """Load and validate ``path``; raise :class:`RulesError` on the first problem."""
    content, data = read_rules_file(path)
    read = _Reader(path)
    top = read.fields(
        data,
        "",
        {
            "meta": TABLE,
            "evidence": TABLE,
            "category": TABLE,
            "indicator": TABLE,
            "links": TABLE,
            "early_warnings": TABLE,
        },
    )
    meta = read.fields(
        top["meta"],
        "meta",
        {"title": TEXT, "document_number": TEXT, "year": INTEGER},
        {"issuer": TEXT, "timezone": TEXT},
    )
    evidence = read.fields(top["evidence"], "evidence", {"max_age_days": POSITIVE})
    categories = _categories(read, top["category"])
    indicators = top["indicator"]
    unknown = sorted(set(indicators) - set(INDICATORS))
    if unknown:
        raise read.fail(
            "indicator", f"unknown indicator '{unknown[0]}' (expected: {', '.join(INDICATORS)})"
        )
    missing = [key for key in INDICATORS if key not in indicators]
    if missing:
        raise read.fail("indicator", f"missing indicator '{missing[0]}'")
    build: dict[str, Callable[..., Any]] = {
        "site_unreachable": _unreachable,
        "home_not_updated": _level,
        "stale_columns": _column_count,
        "long_unupdated_columns": _column_count,
        "blank_columns": _column_count,
        "columns_past_period": _column_count,
        "broken_links_home": _links,
        "broken_links_other": _links,
    }
    built = {key: make(read, key, indicators[key], categories) for key, make in build.items()}
    if built["long_unupdated_columns"].after is None:
        raise read.fail("indicator › long_unupdated_columns", "missing key 'after'")
    links = read.fields(top["links"], "links", {"confirm_after_hours": NUMBER})
    warnings = read.fields(
        top["early_warnings"],
        "early_warnings",
        {"register_working_days_left": INTEGER, "column_statuses": TEXTS},
    )
    bad = [s for s in warnings["column_statuses"] if s not in COLUMN_STATUSES]
    if bad:
        raise read.fail(
            "early_warnings › column_statuses",
            f"unknown status '{bad[0]}' (expected: {', '.join(COLUMN_STATUSES)})",
        )
    return NationalRules(
        path=path,
        version=hashlib.sha256(content).hexdigest(),
        title=meta["title"],
        document_number=meta["document_number"],
        year=meta["year"],
        timezone=meta.get("timezone", "Asia/Shanghai"),
        evidence_max_age_days=evidence["max_age_days"],
        categories=categories,
        annual_report=_annual_report(read, indicators["annual_report"], categories),
        link_confirm_hours=float(links["confirm_after_hours"]),
        early_warnings=EarlyWarningPolicy(
            warnings["register_working_days_left"], warnings["column_statuses"]
        ),
        **built,
    )


def _categories(read: _Reader, raw: dict[str, Any]) -> dict[str, Category]:
    if not raw:
        raise read.fail("category", "expected at least one category")
    categories = {}
    for key, table in raw.items():
        where = f"category › {key}"
        values = read.fields(
            table,
            where,
            {"name": TEXT, "update_within": OPTIONAL_SPAN},
            {"warn_after": SPAN},
        )
        period, warn = values["update_within"], values.get("warn_after")
        if period is None and warn is not None:
            raise read.fail(f"{where} › warn_after", "a category without a period has no warning")
        if period is not None and warn is None:
            raise read.fail(where, "missing key 'warn_after'")
        if period is not None and warn is not None and not _shorter(warn, period):
            raise read.fail(
                f"{where} › warn_after", f"expected a period shorter than {period}, got {warn}"
            )
        categories[key] = Category(key, values["name"], period, warn)
    return categories


def _shorter(first: Span, second: Span) -> bool:
    """Whether ``first`` ends before ``second`` from any day (months taken as 28 to 31 days)."""
    days = (dt.date(2001, 1, 31), dt.date(2000, 2, 29), dt.date(2001, 7, 31))
    return all(first.after(day) < second.after(day) for day in days)


def _level_fields(
    read: _Reader, key: str, raw: Any, extra: dict[str, Any], optional: dict[str, Any] | None = None
) -> dict[str, Any]:
    where = f"indicator › {key}"
    values = read.fields(
        raw,
        where,
        {
            "name": TEXT,
            "kind": choice(VETO, DEDUCTION),
            "threshold": NUMBER,
            "warn_at": NUMBER,
            **extra,
        },
        optional,
    )
    if values["kind"] == VETO and values["warn_at"] >= values["threshold"]:
        raise read.fail(
            f"{where} › warn_at",
            f"expected a number below the threshold ({values['threshold']}), "
            f"got {values['warn_at']}",
        )
    return values


def _common(key: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": key,
        "name": values["name"],
        "kind": values["kind"],
        "threshold": values["threshold"],
        "warn_at": values["warn_at"],
    }


def _level(read: _Reader, key: str, raw: Any, _categories: dict[str, Category]) -> Level:
    return Level(**_common(key, _level_fields(read, key, raw, {})))


def _unreachable(
    read: _Reader, key: str, raw: Any, _categories: dict[str, Category]
) -> UnreachableRule:
    values = _level_fields(
        read,
        key,
        raw,
        {"window_days": POSITIVE, "slow_seconds": NUMBER, "min_probes": POSITIVE},
    )
    if values["threshold"] > 1:
        raise read.fail(
            f"indicator › {key} › threshold", f"expected a share <= 1, got {values['threshold']}"
        )
    return UnreachableRule(
        **_common(key, values),
        window_days=values["window_days"],
        slow_seconds=float(values["slow_seconds"]),
        min_probes=values["min_probes"],
    )


def _column_count(
    read: _Reader, key: str, raw: Any, categories: dict[str, Category]
) -> ColumnCountRule:
    values = _level_fields(
        read, key, raw, {"categories": TEXTS}, {"after": SPAN, "points_each": NUMBER}
    )
    for name in values["categories"]:
        if name not in categories:
            raise read.fail(
                f"indicator › {key} › categories",
                f"unknown category '{name}' (defined: {', '.join(categories)})",
            )
    if values["kind"] == DEDUCTION and "points_each" not in values:
        raise read.fail(f"indicator › {key}", "missing key 'points_each'")
    return ColumnCountRule(
        **_common(key, values),
        categories=values["categories"],
        after=values.get("after"),
        points_each=values.get("points_each"),
    )


def _links(read: _Reader, key: str, raw: Any, _categories: dict[str, Category]) -> LinkRule:
    values = _level_fields(read, key, raw, {"points_each": NUMBER})
    return LinkRule(**_common(key, values), points_each=values["points_each"])


def _annual_report(read: _Reader, raw: Any, categories: dict[str, Category]) -> AnnualReportRule:
    key = "annual_report"
    where = f"indicator › {key}"
    values = read.fields(
        raw,
        where,
        {
            "name": TEXT,
            "kind": choice(DEDUCTION),
            "category": TEXT,
            "deadline": MONTH_DAY,
            "warn_from": MONTH_DAY,
            "title_contains": TEXTS,
            "title_any": TEXTS,
            "points_each": NUMBER,
        },
    )
    if values["category"] not in categories:
        raise read.fail(
            f"{where} › category",
            f"unknown category '{values['category']}' (defined: {', '.join(categories)})",
        )
    if values["warn_from"] > values["deadline"]:
        raise read.fail(f"{where} › warn_from", "expected a day on or before the deadline")
    return AnnualReportRule(key=key, **values)
