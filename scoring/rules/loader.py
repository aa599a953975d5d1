"""Read a rules file and validate it strictly.

The file's shape is declared below as :class:`db.datafiles.FileModel` tables. Every problem is
one line naming the file, the key and what was expected, e.g. ``shaoxing-2012.toml: rubric "a2"
› item "a2.portal": sub-items sum to 13, expected 15``; an entry of an array of tables is named
by its key (``rubric "a2"``), or by its number (``rubric #1``) when it has none.
"""

from __future__ import annotations

import hashlib
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator, model_validator

from db.datafiles import (
    Boolean,
    DataFileError,
    Date,
    FileModel,
    Integer,
    Text,
    Texts,
    expect,
    one_of,
    validate,
)
from db.models.registry import UnitKind
from scoring.rules.model import (
    DEFAULT_BACKDATING_MARGIN_DAYS,
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
UNIT_KINDS = tuple(sorted(kind.value for kind in UnitKind))  # as the file lists them


class RulesError(DataFileError):
    """The rules file is invalid; the message says where and what was expected."""


def _is_points(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


Points = Annotated[
    Decimal, expect("a number of points >= 0", _is_points, lambda v: Decimal(str(v)))
]
Marker = Annotated[str, one_of(*MARKERS)]
Tier = Annotated[
    int,
    expect(
        "a positive integer", lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0
    ),
]


def _sum(parts: Any) -> Decimal:
    return sum((part.points for part in parts), Decimal(0))


class RulesTable(FileModel):
    """A table of a rules file: an unknown or missing key is named in the error, as before."""

    keys_named_in_errors: ClassVar[bool] = True


class _Meta(RulesTable):
    title: Text
    document_number: Text
    year: Integer
    published_on: Date
    issuer: Text | None = None
    timezone: Text = "Asia/Shanghai"
    method: Text | None = None
    assessor: Text | None = None


class _Criterion(RulesTable):
    requirement: Text
    points: Points


class _Sub(RulesTable):
    key: Text
    name: Text
    points: Points
    requirement: Text | None = None
    criterion: tuple[_Criterion, ...] = ()
    marker: Marker | None = None
    measured: Annotated[str, one_of("crawler", "partial", "manual")] = "manual"

    @model_validator(mode="after")
    def _criteria_add_up(self) -> _Sub:
        if self.criterion and _sum(self.criterion) != self.points:
            raise ValueError(f"criteria sum to {_sum(self.criterion)}, expected {self.points}")
        if not self.criterion and self.requirement is None:
            raise ValueError("missing key 'requirement' (or criterion entries)")
        return self

    def subitem(self) -> SubItem:
        criteria = tuple(Criterion(c.requirement, c.points) for c in self.criterion)
        return SubItem(
            key=self.key,
            name=self.name,
            points=self.points,
            requirement=self.requirement or ";".join(c.requirement for c in criteria),
            criteria=criteria,
            marker=self.marker,
            measured=self.measured,
        )


class _Item(RulesTable):
    key: Text
    name: Text
    points: Points
    sub: tuple[_Sub, ...]

    @model_validator(mode="after")
    def _subitems_add_up(self) -> _Item:
        if _sum(self.sub) != self.points:
            raise ValueError(f"sub-items sum to {_sum(self.sub)}, expected {self.points}")
        return self

    def item(self) -> Item:
        return Item(self.key, self.name, self.points, tuple(s.subitem() for s in self.sub))


class _Rubric(RulesTable):
    key: Text
    name: Text
    applies_to: Annotated[str, one_of(*UNIT_KINDS)]
    total: Points
    item: tuple[_Item, ...]

    @model_validator(mode="after")
    def _items_add_up(self) -> _Rubric:
        if _sum(self.item) != self.total:
            raise ValueError(f"items sum to {_sum(self.item)}, expected {self.total}")
        return self

    def rubric(self) -> Rubric:
        items = tuple(item.item() for item in self.item)
        return Rubric(self.key, self.name, self.applies_to, self.total, items)


class _ExemptionClass(RulesTable):
    marker: Marker
    flags: Texts
    description: Text

    @field_validator("flags")
    @classmethod
    def _known_flags(cls, flags: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [flag for flag in flags if flag not in UNIT_FLAGS]
        if unknown:
            expected = ", ".join(UNIT_FLAGS)
            raise ValueError(f"unknown flag '{unknown[0]}' (expected one of: {expected})")
        return flags


class _Exemptions(RulesTable):
    normalise_to: Points
    classes: tuple[_ExemptionClass, ...] = Field(alias="class")


class _Tiers(RulesTable):
    tier1: Tier
    tier2: Tier
    tier3: Tier

    def by_tier(self) -> dict[int, int]:
        return {1: self.tier1, 2: self.tier2, 3: self.tier3}


class _Portal(RulesTable):
    subitem: Text
    monthly_quota: _Tiers
    annual_threshold: _Tiers
    annual_bonus_points: Points
    month_of: Annotated[str, one_of("publication_date_asia_shanghai")]
    duplicates: Annotated[str, one_of("count_once")]
    month_credit: Annotated[str, one_of("proportional", "all_or_nothing")]
    subitem_score: Annotated[str, one_of("average_monthly_credit")]
    incomplete_months: Annotated[str, one_of("exclude", "include")]
    backdating_margin_days: Integer = DEFAULT_BACKDATING_MARGIN_DAYS

    @field_validator("backdating_margin_days")
    @classmethod
    def _not_negative(cls, days: int) -> int:
        if days < 0:
            raise ValueError(f"expected 0 or more days, got {days}")
        return days

    def policy(self) -> PortalPolicy:
        values = self.model_dump(exclude={"monthly_quota", "annual_threshold"})
        return PortalPolicy(
            **values,
            monthly_quota=self.monthly_quota.by_tier(),
            annual_threshold=self.annual_threshold.by_tier(),
        )


class _Suggestions(RulesTable):
    item: Text
    points_each: Points
    cap: Points
    exceeds_item_maximum: Boolean


class _Disclosure(RulesTable):
    subitem: Text
    limit_working_days: Integer
    calendar: Annotated[str, one_of("cn_statutory")]
    day_zero: Annotated[str, one_of("signed_on")]
    non_working_signing: Annotated[str, one_of("next_working_day")]
    denominator: Annotated[str, one_of("published_plus_unexplained_missing", "published_only")]
    undated: Annotated[str, one_of("exclude", "on_time", "late")]
    gap_candidates: Annotated[str, one_of("review_only")]

    @field_validator("limit_working_days")
    @classmethod
    def _not_negative(cls, days: int) -> int:
        if days < 0:
            raise ValueError("expected an integer >= 0")
        return days


class _Ranking(RulesTable):
    ties: Annotated[str, one_of("shared_rank")]
    provisional_prizes: Boolean = False


class _Rectification(RulesTable):
    """整改: how long a department has to answer a finding sent to it."""

    answer_working_days: Integer = 5

    @field_validator("answer_working_days")
    @classmethod
    def _at_least_one(cls, days: int) -> int:
        if days < 1:
            raise ValueError("expected an integer >= 1")
        return days


class _PrizeCounts(RulesTable):
    first: Integer
    second: Integer
    third: Integer


class _Prizes(RulesTable):
    county: _PrizeCounts
    department: _PrizeCounts


class _RulesFile(RulesTable):
    """The whole file; the checks across its tables run once every table has its shape."""

    meta: _Meta
    rubric: tuple[_Rubric, ...]
    exemptions: _Exemptions
    portal: _Portal
    suggestions: _Suggestions
    disclosure: _Disclosure
    ranking: _Ranking
    prizes: _Prizes
    rectification: _Rectification = _Rectification()  # optional: files before it still load

    @model_validator(mode="after")
    def _consistent(self) -> _RulesFile:
        rubrics = tuple(rubric.rubric() for rubric in self.rubric)
        for where, problem in _problems(self, rubrics):
            raise ValueError(f"{where}: {problem}" if where else problem)
        return self


def _problems(file: _RulesFile, rubrics: tuple[Rubric, ...]) -> Any:
    """(place, problem) for each reference across tables that points nowhere; first ones first."""
    kinds = [rubric.applies_to for rubric in rubrics]
    if sorted(kinds) != sorted(UNIT_KINDS):
        yield "rubric", f"expected one rubric for each of {UNIT_KINDS}, got {kinds}"
    for rubric in rubrics:
        for item in rubric.items:
            where = f'rubric "{rubric.key}" › item "{item.key}"'
            if not item.key.startswith(rubric.key + "."):
                yield where, f"key must start with '{rubric.key}.'"
            for sub in item.subitems:
                if not sub.key.startswith(item.key + "."):
                    yield f'{where} › sub "{sub.key}"', f"key must start with '{item.key}.'"
    seen: set[str] = set()
    for rubric in rubrics:
        keys = [rubric.key, *(i.key for i in rubric.items), *(s.key for s in rubric.subitems())]
        for key in keys:
            if key in seen:
                yield f'rubric "{rubric.key}"', f"key '{key}' is used twice"
            seen.add(key)
    used = {s.marker for r in rubrics for s in r.subitems() if s.marker}
    undefined = used - {c.marker for c in file.exemptions.classes}
    if undefined:
        yield "exemptions", f"marker {sorted(undefined)[0]} is used but not defined"
    department = next(r for r in rubrics if r.applies_to == "department")
    for where, key in (
        ("portal › subitem", file.portal.subitem),
        ("disclosure › subitem", file.disclosure.subitem),
    ):
        if key not in {sub.key for sub in department.subitems()}:
            yield where, f"no sub-item '{key}' in rubric \"{department.key}\""
    if file.suggestions.item not in {item.key for item in department.items}:
        yield (
            "suggestions › item",
            f"no item '{file.suggestions.item}' in rubric \"{department.key}\"",
        )


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
    file = validate(_RulesFile, data, str(path), error=RulesError)
    return _rules(path, hashlib.sha256(content).hexdigest(), file)


def _rules(path: Path, version: str, file: _RulesFile) -> Rules:
    exemptions = file.exemptions
    return Rules(
        path=path,
        version=version,
        title=file.meta.title,
        document_number=file.meta.document_number,
        year=file.meta.year,
        published_on=file.meta.published_on,
        timezone=file.meta.timezone,
        rubrics=tuple(rubric.rubric() for rubric in file.rubric),
        exemptions=tuple(
            ExemptionClass(c.marker, c.flags, c.description) for c in exemptions.classes
        ),
        normalise_to=exemptions.normalise_to,
        portal=file.portal.policy(),
        suggestions=SuggestionPolicy(**file.suggestions.model_dump()),
        disclosure=DisclosurePolicy(**file.disclosure.model_dump()),
        ties=file.ranking.ties,
        provisional_prizes=file.ranking.provisional_prizes,
        answer_working_days=file.rectification.answer_working_days,
        prizes={kind: Prizes(**getattr(file.prizes, kind).model_dump()) for kind in UNIT_KINDS},
    )
