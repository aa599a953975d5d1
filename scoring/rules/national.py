"""Read the national inspection rules file (``national-2019.toml``) and validate it strictly.

The file's shape is declared below as :class:`db.datafiles.FileModel` tables; a mistake is one
line naming the file and the key path, e.g. ``national-2019.toml: indicator › stale_columns ›
warn_at: expected a number below the threshold (5), got 7``. Every indicator the inspection
computes must be present; categories named by an indicator must be defined.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import ValidationInfo, field_validator, model_validator

from db.config import Settings
from db.datafiles import (
    Integer,
    NonEmptyTexts,
    Number,
    PositiveInteger,
    Text,
    expect,
    one_of,
    validate,
)
from scoring.inspection.columns import STALE
from scoring.inspection.verdict import WARNING
from scoring.rules.interaction import InteractionTable
from scoring.rules.loader import RulesError, RulesTable, read_rules_file
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
    SeriousErrorsRule,
    Span,
    UnreachableRule,
)

DEFAULT_NATIONAL_RULES_FILE = Path(__file__).with_name("national-2019.toml")
#: The column states an early warning may be sent for (``[early_warnings] column_statuses``).
WARNED_COLUMN_STATUSES = (WARNING, STALE)
_SPAN = re.compile(r"(\d+)([dwmy])")
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")


def _span(text: str) -> Span | None:
    match = _SPAN.fullmatch(text) if isinstance(text, str) else None
    if match is None or int(match[1]) <= 0:
        return None
    amount, unit = int(match[1]), match[2]
    if unit == "w":
        return Span(amount * 7, "d", text)
    if unit == "y":
        return Span(amount * 12, "m", text)
    return Span(amount, unit, text)


def _month_day(text: Any) -> tuple[int, int] | None:
    match = _MONTH_DAY.fullmatch(text) if isinstance(text, str) else None
    if match is None or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        return None
    return int(match[1]), int(match[2])


SpanText = Annotated[
    Span, expect("a period like 14d, 2w, 6m or 1y", lambda v: _span(v) is not None, _span)
]
OptionalSpanText = Annotated[
    Span | None,
    expect(
        'a period like 14d, 2w, 6m or 1y, or "none"',
        lambda v: v == "none" or _span(v) is not None,
        lambda v: None if v == "none" else _span(v),
    ),
]
MonthDay = Annotated[
    tuple[int, int],
    expect(
        "a month and day written MM-DD, e.g. 01-31",
        lambda v: _month_day(v) is not None,
        _month_day,
    ),
]


def _shorter(first: Span, second: Span) -> bool:
    """Whether ``first`` ends before ``second`` from any day (months taken as 28 to 31 days)."""
    days = (dt.date(2001, 1, 31), dt.date(2000, 2, 29), dt.date(2001, 7, 31))
    return all(first.after(day) < second.after(day) for day in days)


def _defined_category(name: str, info: ValidationInfo) -> str:
    defined = (info.context or {}).get("categories", ())
    if name not in defined:
        raise ValueError(f"unknown category '{name}' (defined: {', '.join(defined)})")
    return name


class _Meta(RulesTable):
    title: Text
    document_number: Text
    year: Integer
    issuer: Text | None = None
    timezone: Text = "Asia/Shanghai"


class _Evidence(RulesTable):
    max_age_days: PositiveInteger


class _Category(RulesTable):
    name: Text
    update_within: OptionalSpanText
    warn_after: SpanText | None = None

    @field_validator("warn_after")
    @classmethod
    def _warn_before_the_period(cls, warn: Span | None, info: ValidationInfo) -> Span | None:
        if "update_within" not in info.data or warn is None:
            return warn
        period = info.data["update_within"]
        if period is None:
            raise ValueError("a category without a period has no warning")
        if not _shorter(warn, period):
            raise ValueError(f"expected a period shorter than {period}, got {warn}")
        return warn

    @model_validator(mode="after")
    def _warned_when_periodic(self) -> _Category:
        if self.update_within is not None and self.warn_after is None:
            raise ValueError("missing key 'warn_after'")
        return self


class _Level(RulesTable):
    name: Text
    kind: Annotated[str, one_of(VETO, DEDUCTION)]
    threshold: Number
    warn_at: Number

    @field_validator("warn_at")
    @classmethod
    def _warn_below_a_veto(cls, warn_at: Any, info: ValidationInfo) -> Any:
        threshold = info.data.get("threshold")
        if info.data.get("kind") == VETO and threshold is not None and warn_at >= threshold:
            raise ValueError(f"expected a number below the threshold ({threshold}), got {warn_at}")
        return warn_at

    def level(self, key: str) -> dict[str, Any]:
        """The fields every :class:`Level` has."""
        fields = ("name", "kind", "threshold", "warn_at")
        return {"key": key, **{name: getattr(self, name) for name in fields}}


class _Unreachable(_Level):
    window_days: PositiveInteger
    slow_seconds: Number
    min_probes: PositiveInteger

    @field_validator("threshold")
    @classmethod
    def _a_share(cls, threshold: Any) -> Any:
        if threshold > 1:
            raise ValueError(f"expected a share <= 1, got {threshold}")
        return threshold

    def rule(self, key: str) -> UnreachableRule:
        return UnreachableRule(
            **self.level(key),
            window_days=self.window_days,
            slow_seconds=float(self.slow_seconds),
            min_probes=self.min_probes,
        )


class _ColumnCount(_Level):
    categories: NonEmptyTexts
    after: SpanText | None = None
    points_each: Number | None = None

    @field_validator("categories")
    @classmethod
    def _defined(cls, names: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        for name in names:
            _defined_category(name, info)
        return names

    @model_validator(mode="after")
    def _deduction_has_points(self) -> _ColumnCount:
        if self.kind == DEDUCTION and self.points_each is None:
            raise ValueError("missing key 'points_each'")
        return self

    def rule(self, key: str) -> ColumnCountRule:
        return ColumnCountRule(
            **self.level(key),
            categories=self.categories,
            after=self.after,
            points_each=self.points_each,
        )


class _LongUnupdated(_ColumnCount):
    after: SpanText  # the age that counts: required here


class _Links(_Level):
    points_each: Number

    def rule(self, key: str) -> LinkRule:
        return LinkRule(**self.level(key), points_each=self.points_each)


class _AnnualReport(RulesTable):
    name: Text
    kind: Annotated[str, one_of(DEDUCTION)]
    category: Text
    deadline: MonthDay
    warn_from: MonthDay
    title_contains: NonEmptyTexts
    title_any: NonEmptyTexts
    points_each: Number

    _defined = field_validator("category")(_defined_category)

    @field_validator("warn_from")
    @classmethod
    def _by_the_deadline(cls, warn_from: tuple[int, int], info: ValidationInfo) -> Any:
        deadline = info.data.get("deadline")
        if deadline is not None and warn_from > deadline:
            raise ValueError("expected a day on or before the deadline")
        return warn_from

    def rule(self) -> AnnualReportRule:
        return AnnualReportRule(key="annual_report", **self.model_dump())


class _SeriousErrors(RulesTable):
    # Defaults of national-2019.toml, for a rules file written before the wording check existed.
    name: Text = "严重错误 (严重错别字、严重表述错误)"
    kind: Annotated[str, one_of(VETO)] = VETO
    threshold: Number = 1
    warn_at_pending: Number = 1

    def rule(self, key: str) -> SeriousErrorsRule:
        return SeriousErrorsRule(key, self.name, self.kind, self.threshold, self.warn_at_pending)


class _Indicators(RulesTable):
    """Every indicator the inspection computes, each required."""

    site_unreachable: _Unreachable
    home_not_updated: _Level
    stale_columns: _ColumnCount
    long_unupdated_columns: _LongUnupdated
    blank_columns: _ColumnCount
    broken_links_home: _Links
    broken_links_other: _Links
    columns_past_period: _ColumnCount
    annual_report: _AnnualReport
    serious_errors: _SeriousErrors = _SeriousErrors()  # older files: the bundled defaults

    @classmethod
    def unknown_key_message(cls, key: str, known: list[str]) -> str:
        return f"unknown indicator '{key}' (expected: {', '.join(cls.model_fields)})"

    @classmethod
    def missing_key_message(cls, key: str) -> str:
        return f"missing indicator '{key}'"


class _LinkChecks(RulesTable):
    confirm_after_hours: Number


class _EarlyWarnings(RulesTable):
    register_working_days_left: Integer
    column_statuses: Annotated[
        tuple[str, ...],
        expect("a non-empty array of strings", lambda v: isinstance(v, list) and bool(v), tuple),
    ]

    @field_validator("column_statuses")
    @classmethod
    def _known(cls, statuses: tuple[str, ...]) -> tuple[str, ...]:
        for status in statuses:
            if not isinstance(status, str):
                raise ValueError(f"expected a non-empty array of strings, got {list(statuses)!r}")
            if status not in WARNED_COLUMN_STATUSES:
                expected = ", ".join(WARNED_COLUMN_STATUSES)
                raise ValueError(f"unknown status '{status}' (expected: {expected})")
        return statuses


class _NationalFile(RulesTable):
    """The whole file: ``[meta]``, ``[evidence]``, ``[category.*]``, ``[indicator.*]``…"""

    meta: _Meta
    evidence: _Evidence
    category: dict[str, _Category]
    indicator: _Indicators
    links: _LinkChecks
    early_warnings: _EarlyWarnings
    interaction: InteractionTable = InteractionTable()  # older files: the defaults

    @field_validator("category")
    @classmethod
    def _at_least_one(cls, categories: dict[str, _Category]) -> dict[str, _Category]:
        if not categories:
            raise ValueError("expected at least one category")
        return categories


def load_national_rules(path: Path = DEFAULT_NATIONAL_RULES_FILE) -> NationalRules:
    """Load and validate ``path``; raise :class:`RulesError` on the first problem."""
    content, data = read_rules_file(path)
    defined = data.get("category")
    context = {"categories": list(defined) if isinstance(defined, dict) else []}
    file = validate(_NationalFile, data, str(path), context=context, error=RulesError)
    return _national_rules(path, hashlib.sha256(content).hexdigest(), file)


def national_rules_path_in_force(settings: Settings) -> Path:
    """The national rules file in force: ``EGOV_NATIONAL_RULES_FILE``, else the bundled one."""
    return settings.national_rules_file or DEFAULT_NATIONAL_RULES_FILE


def national_rules_in_force(settings: Settings) -> NationalRules:
    """Load the national rules file in force (the one inspections and warnings use)."""
    return load_national_rules(national_rules_path_in_force(settings))


def _national_rules(path: Path, version: str, file: _NationalFile) -> NationalRules:
    indicator = file.indicator
    categories = {
        key: Category(key, table.name, table.update_within, table.warn_after)
        for key, table in file.category.items()
    }
    column_counts = ("stale_columns", "long_unupdated_columns", "blank_columns")
    return NationalRules(
        path=path,
        version=version,
        title=file.meta.title,
        document_number=file.meta.document_number,
        year=file.meta.year,
        timezone=file.meta.timezone,
        evidence_max_age_days=file.evidence.max_age_days,
        categories=categories,
        site_unreachable=indicator.site_unreachable.rule("site_unreachable"),
        home_not_updated=Level(**indicator.home_not_updated.level("home_not_updated")),
        **{key: getattr(indicator, key).rule(key) for key in column_counts},
        columns_past_period=indicator.columns_past_period.rule("columns_past_period"),
        broken_links_home=indicator.broken_links_home.rule("broken_links_home"),
        broken_links_other=indicator.broken_links_other.rule("broken_links_other"),
        annual_report=indicator.annual_report.rule(),
        serious_errors=indicator.serious_errors.rule("serious_errors"),
        link_confirm_hours=float(file.links.confirm_after_hours),
        early_warnings=EarlyWarningPolicy(
            file.early_warnings.register_working_days_left, file.early_warnings.column_statuses
        ),
        interaction=file.interaction.rules(),
    )
