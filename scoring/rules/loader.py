"""Read a rules file and validate it strictly.

Every problem is reported as one line naming the file, the key and what was expected, e.g.
``shaoxing-2012.toml: rubric "a2" › item "a2.portal": sub-items sum to 13, expected 15``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from db.datafiles import DataFileError
from scoring.rules.model import (
    DEFAULT_BACKDATING_MARGIN_DAYS,
    TIERS,
    UNIT_FLAGS,
    Criterion,
    DisclosurePolicy,
    ExemptionClass,
    Item,
    PortalPolicy,
    Prizes,
    Rubric,
    Rules,
    SubItem,
    SuggestionPolicy,
)

MARKERS = ("※", "▲")
UNIT_KINDS = ("county", "department")


class RulesError(DataFileError):
    """The rules file is invalid; the message says where and what was expected."""


Check = Callable[[Any], Any]


def _type(expected: type | tuple[type, ...], label: str) -> Check:
    def check(value: Any) -> Any:
        if isinstance(value, bool) and bool not in (
            expected if isinstance(expected, tuple) else (expected,)
        ):
            raise TypeError(label)
        if not isinstance(value, expected):
            raise TypeError(label)
        return value

    return check


TEXT = _type(str, "a string")
INTEGER = _type(int, "an integer")
BOOLEAN = _type(bool, "true or false")
TABLE = _type(dict, "a table")
TABLES = _type(list, "an array of tables")
DATE = _type(dt.date, "a date (YYYY-MM-DD)")


def POINTS(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TypeError("a number of points >= 0")
    return Decimal(str(value))


def choice(*options: str) -> Check:
    def check(value: Any) -> str:
        if value not in options:
            raise TypeError("one of " + ", ".join(repr(o) for o in options))
        return value

    return check


def string_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("an array of strings")
    return tuple(value)


class _Reader:
    """Pull typed values out of TOML tables, failing with the file and key path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> RulesError:
        return RulesError(
            f"{self.path}: {where}: {message}" if where else f"{self.path}: {message}"
        )

    def fields(
        self,
        raw: Any,
        where: str,
        required: dict[str, Check],
        optional: dict[str, Check] | None = None,
    ) -> dict[str, Any]:
        optional = optional or {}
        if not isinstance(raw, dict):
            raise self.fail(where, f"expected a table, got {type(raw).__name__}")
        unknown = sorted(set(raw) - set(required) - set(optional))
        if unknown:
            allowed = ", ".join(sorted({*required, *optional}))
            raise self.fail(where, f"unknown key '{unknown[0]}' (expected one of: {allowed})")
        values: dict[str, Any] = {}
        for key, check in {**required, **optional}.items():
            if key not in raw:
                if key in required:
                    raise self.fail(where, f"missing key '{key}'")
                continue
            try:
                values[key] = check(raw[key])
            except TypeError as error:
                raise self.fail(
                    f"{where} › {key}" if where else key,
                    f"expected {error}, got {raw[key]!r}",
                ) from None
        return values


def read_rules_file(path: Path) -> tuple[bytes, dict[str, Any]]:
    """The file's bytes (its version is their sha256) and its TOML; RulesError if unreadable."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise RulesError(f"{path}: cannot read: {error.strerror}") from error
    try:
        return content, tomllib.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesError(f"{path}: not valid TOML: {error}") from error


def load_rules(path: Path) -> Rules:
    """Load and validate ``path``; raise :class:`RulesError` on the first problem."""
    content, data = read_rules_file(path)
    read = _Reader(path)
    top = read.fields(
        data,
        "",
        {
            "meta": TABLE,
            "rubric": TABLES,
            "exemptions": TABLE,
            "portal": TABLE,
            "suggestions": TABLE,
            "disclosure": TABLE,
            "ranking": TABLE,
            "prizes": TABLE,
        },
    )
    meta = read.fields(
        top["meta"],
        "meta",
        {"title": TEXT, "document_number": TEXT, "year": INTEGER, "published_on": DATE},
        {"issuer": TEXT, "timezone": TEXT, "method": TEXT, "assessor": TEXT},
    )
    rubrics = tuple(_rubric(read, raw, i) for i, raw in enumerate(top["rubric"], 1))
    kinds = [r.applies_to for r in rubrics]
    if sorted(kinds) != sorted(UNIT_KINDS):
        raise read.fail("rubric", f"expected one rubric for each of {UNIT_KINDS}, got {kinds}")
    _check_unique_keys(read, rubrics)
    exemptions, normalise_to = _exemptions(read, top["exemptions"], rubrics)
    department = next(r for r in rubrics if r.applies_to == "department")
    ranking = read.fields(
        top["ranking"],
        "ranking",
        {"ties": choice("shared_rank")},
        {"provisional_prizes": BOOLEAN},
    )
    return Rules(
        path=path,
        version=hashlib.sha256(content).hexdigest(),
        title=meta["title"],
        document_number=meta["document_number"],
        year=meta["year"],
        published_on=meta["published_on"],
        timezone=meta.get("timezone", "Asia/Shanghai"),
        rubrics=rubrics,
        exemptions=exemptions,
        normalise_to=normalise_to,
        portal=_portal(read, top["portal"], department),
        suggestions=_suggestions(read, top["suggestions"], department),
        disclosure=_disclosure(read, top["disclosure"], department),
        ties=ranking["ties"],
        provisional_prizes=ranking.get("provisional_prizes", False),
        prizes=_prizes(read, top["prizes"]),
    )


def _rubric(read: _Reader, raw: Any, index: int) -> Rubric:
    where = f"rubric #{index}"
    values = read.fields(
        raw,
        where,
        {
            "key": TEXT,
            "name": TEXT,
            "applies_to": choice(*UNIT_KINDS),
            "total": POINTS,
            "item": TABLES,
        },
    )
    where = f'rubric "{values["key"]}"'
    items = tuple(_item(read, r, where, values["key"]) for r in values["item"])
    total = sum((item.points for item in items), Decimal(0))
    if total != values["total"]:
        raise read.fail(where, f"items sum to {total}, expected {values['total']}")
    return Rubric(values["key"], values["name"], values["applies_to"], values["total"], items)


def _item(read: _Reader, raw: Any, parent: str, parent_key: str) -> Item:
    values = read.fields(
        raw, f"{parent} › item", {"key": TEXT, "name": TEXT, "points": POINTS, "sub": TABLES}
    )
    where = f'{parent} › item "{values["key"]}"'
    _check_key_prefix(read, where, values["key"], parent_key)
    subs = tuple(_subitem(read, r, where, values["key"]) for r in values["sub"])
    total = sum((sub.points for sub in subs), Decimal(0))
    if total != values["points"]:
        raise read.fail(where, f"sub-items sum to {total}, expected {values['points']}")
    return Item(values["key"], values["name"], values["points"], subs)


def _subitem(read: _Reader, raw: Any, parent: str, parent_key: str) -> SubItem:
    values = read.fields(
        raw,
        f"{parent} › sub",
        {"key": TEXT, "name": TEXT, "points": POINTS},
        {
            "requirement": TEXT,
            "criterion": TABLES,
            "marker": choice(*MARKERS),
            "measured": choice("crawler", "partial", "manual"),
        },
    )
    where = f'{parent} › sub "{values["key"]}"'
    _check_key_prefix(read, where, values["key"], parent_key)
    criteria = tuple(
        Criterion(**read.fields(c, f"{where} › criterion", {"requirement": TEXT, "points": POINTS}))
        for c in values.get("criterion", [])
    )
    if criteria:
        total = sum((c.points for c in criteria), Decimal(0))
        if total != values["points"]:
            raise read.fail(where, f"criteria sum to {total}, expected {values['points']}")
    elif "requirement" not in values:
        raise read.fail(where, "missing key 'requirement' (or criterion entries)")
    requirement = values.get("requirement") or ";".join(c.requirement for c in criteria)
    return SubItem(
        key=values["key"],
        name=values["name"],
        points=values["points"],
        requirement=requirement,
        criteria=criteria,
        marker=values.get("marker"),
        measured=values.get("measured", "manual"),
    )


def _check_key_prefix(read: _Reader, where: str, key: str, parent_key: str) -> None:
    if not key.startswith(parent_key + "."):
        raise read.fail(where, f"key must start with '{parent_key}.'")


def _check_unique_keys(read: _Reader, rubrics: tuple[Rubric, ...]) -> None:
    seen: set[str] = set()
    for rubric in rubrics:
        for key in [
            rubric.key,
            *(i.key for i in rubric.items),
            *(s.key for s in rubric.subitems()),
        ]:
            if key in seen:
                raise read.fail(f'rubric "{rubric.key}"', f"key '{key}' is used twice")
            seen.add(key)


def _exemptions(
    read: _Reader, raw: Any, rubrics: tuple[Rubric, ...]
) -> tuple[tuple[ExemptionClass, ...], Decimal]:
    values = read.fields(raw, "exemptions", {"normalise_to": POINTS, "class": TABLES})
    classes = []
    for entry in values["class"]:
        fields = read.fields(
            entry,
            "exemptions › class",
            {"marker": choice(*MARKERS), "flags": string_list, "description": TEXT},
        )
        unknown = [f for f in fields["flags"] if f not in UNIT_FLAGS]
        if unknown:
            raise read.fail(
                "exemptions › class › flags",
                f"unknown flag '{unknown[0]}' (expected one of: {', '.join(UNIT_FLAGS)})",
            )
        classes.append(ExemptionClass(fields["marker"], fields["flags"], fields["description"]))
    used = {s.marker for r in rubrics for s in r.subitems() if s.marker}
    defined = {c.marker for c in classes}
    if used - defined:
        raise read.fail("exemptions", f"marker {sorted(used - defined)[0]} is used but not defined")
    return tuple(classes), values["normalise_to"]


def _tiers(read: _Reader, raw: Any, where: str) -> dict[int, int]:
    values = read.fields(raw, where, {f"tier{t}": INTEGER for t in TIERS})
    for key, value in values.items():
        if value <= 0:
            raise read.fail(f"{where} › {key}", f"expected a positive integer, got {value}")
    return {int(key.removeprefix("tier")): value for key, value in values.items()}


def _existing_subitem(read: _Reader, where: str, key: str, rubric: Rubric) -> str:
    try:
        rubric.subitem(key)
    except KeyError:
        raise read.fail(where, f"no sub-item '{key}' in rubric \"{rubric.key}\"") from None
    return key


def _portal(read: _Reader, raw: Any, rubric: Rubric) -> PortalPolicy:
    v = read.fields(
        raw,
        "portal",
        {
            "subitem": TEXT,
            "monthly_quota": TABLE,
            "annual_threshold": TABLE,
            "annual_bonus_points": POINTS,
            "month_of": choice("publication_date_asia_shanghai"),
            "duplicates": choice("count_once"),
            "month_credit": choice("proportional", "all_or_nothing"),
            "subitem_score": choice("average_monthly_credit"),
            "incomplete_months": choice("exclude", "include"),
        },
        {"backdating_margin_days": INTEGER},
    )
    margin = v.get("backdating_margin_days", DEFAULT_BACKDATING_MARGIN_DAYS)
    if margin < 0:
        raise read.fail("portal › backdating_margin_days", f"expected 0 or more days, got {margin}")
    return PortalPolicy(
        subitem=_existing_subitem(read, "portal › subitem", v["subitem"], rubric),
        monthly_quota=_tiers(read, v["monthly_quota"], "portal › monthly_quota"),
        annual_threshold=_tiers(read, v["annual_threshold"], "portal › annual_threshold"),
        annual_bonus_points=v["annual_bonus_points"],
        month_of=v["month_of"],
        duplicates=v["duplicates"],
        month_credit=v["month_credit"],
        subitem_score=v["subitem_score"],
        incomplete_months=v["incomplete_months"],
        backdating_margin_days=margin,
    )


def _suggestions(read: _Reader, raw: Any, rubric: Rubric) -> SuggestionPolicy:
    v = read.fields(
        raw,
        "suggestions",
        {"item": TEXT, "points_each": POINTS, "cap": POINTS, "exceeds_item_maximum": BOOLEAN},
    )
    if v["item"] not in {item.key for item in rubric.items}:
        raise read.fail("suggestions › item", f"no item '{v['item']}' in rubric \"{rubric.key}\"")
    return SuggestionPolicy(v["item"], v["points_each"], v["cap"], v["exceeds_item_maximum"])


def _disclosure(read: _Reader, raw: Any, rubric: Rubric) -> DisclosurePolicy:
    v = read.fields(
        raw,
        "disclosure",
        {
            "subitem": TEXT,
            "limit_working_days": INTEGER,
            "calendar": choice("cn_statutory"),
            "day_zero": choice("signed_on"),
            "non_working_signing": choice("next_working_day"),
            "denominator": choice("published_plus_unexplained_missing", "published_only"),
            "undated": choice("exclude", "on_time", "late"),
            "gap_candidates": choice("review_only"),
        },
    )
    if v["limit_working_days"] < 0:
        raise read.fail("disclosure › limit_working_days", "expected an integer >= 0")
    v["subitem"] = _existing_subitem(read, "disclosure › subitem", v["subitem"], rubric)
    return DisclosurePolicy(**v)


def _prizes(read: _Reader, raw: Any) -> dict[str, Prizes]:
    values = read.fields(raw, "prizes", {kind: TABLE for kind in UNIT_KINDS})
    prizes = {}
    for kind, table in values.items():
        counts = read.fields(
            table, f"prizes › {kind}", {"first": INTEGER, "second": INTEGER, "third": INTEGER}
        )
        prizes[kind] = Prizes(**counts)
    return prizes
