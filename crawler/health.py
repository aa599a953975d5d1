"""Judge a finished crawl with declarative thresholds, the spidermon way.

Each check has a readable name and returns problems (empty when it passes); a run is healthy
when no check has a problem. Thresholds come from the EGOV_HEALTH_* settings. Add a check by
appending to :data:`CHECKS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crawler.coverage import ColumnCoverage
from db.models import ColumnStatus

_EXCEPTION_NAME = re.compile(r" \[\w+\]$")  # "… [DownloadTimeoutError]": for the log, not a line


def column_cause(column: ColumnCoverage) -> str:
    """What happened to a column, in words: its last message, else its status."""
    message = column.messages[-1] if column.messages else column.status()
    return _EXCEPTION_NAME.sub("", message)


def every_column_failed(columns: Mapping[str, ColumnCoverage]) -> str:
    """Scrapy finished, yet no column was read: say why, columns grouped by their cause.

    ``every column failed: normal: connection refused by 127.0.0.1:9``: the one wording of a
    failed night, in ``scrapy crawl``'s last line and in the run's health problems (which the
    nightly job prints).
    """
    by_cause: dict[str, list[str]] = {}
    for key, column in columns.items():
        by_cause.setdefault(column_cause(column), []).append(key)
    return "every column failed: " + "; ".join(
        f"{', '.join(keys)}: {cause}" for cause, keys in by_cause.items()
    )


@dataclass(frozen=True)
class RunFacts:
    """What the checks look at: the run's finish reason, stats, thresholds and coverage."""

    finish_reason: str
    stats: Mapping[str, Any]
    columns: Mapping[str, ColumnCoverage]
    max_error_rate: float
    max_parse_failure_rate: float

    @property
    def requests(self) -> int:
        return int(self.stats.get("downloader/request_count", 0))


@dataclass(frozen=True)
class Check:
    name: str
    problems: Callable[[RunFacts], list[str]]


def _finished_normally(facts: RunFacts) -> list[str]:
    if facts.finish_reason == "finished":
        return []
    return [f"finish reason was {facts.finish_reason!r}, not 'finished'"]


def _not_blocked(facts: RunFacts) -> list[str]:
    blocked = sorted(key for key, c in facts.columns.items() if c.blocked)
    if blocked or facts.stats.get("egov/antibot/blocked"):
        return [f"blocked by anti-bot challenge (columns: {', '.join(blocked) or 'none yet'})"]
    return []


def _error_rate(facts: RunFacts) -> list[str]:
    errors = sum(c.errors for c in facts.columns.values())
    if not facts.requests:
        return ["no request was made"]
    rate = errors / facts.requests
    if rate > facts.max_error_rate:
        return [f"error rate {rate:.1%} above {facts.max_error_rate:.1%} ({errors} errors)"]
    return []


def _parse_failures(facts: RunFacts) -> list[str]:
    failures = int(facts.stats.get("egov/parse_failures", 0))
    details = sum(c.details for c in facts.columns.values()) + failures
    if details and failures / details > facts.max_parse_failure_rate:
        return [f"{failures} of {details} detail pages could not be parsed (quarantined)"]
    return []


def _columns_with_items(facts: RunFacts) -> list[str]:
    return [
        f"column {key} normally has items but returned none"
        for key, c in sorted(facts.columns.items())
        if c.expects_items and not c.blocked and c.entries == 0
    ]


def _columns_covered(facts: RunFacts) -> list[str]:
    failed = {
        key: c for key, c in sorted(facts.columns.items()) if c.status() == ColumnStatus.FAILED
    }
    if failed and len(failed) == len(facts.columns):
        return [every_column_failed(facts.columns)]
    return [f"column {key} failed: {column_cause(c)}" for key, c in failed.items()]


def _announced_records(facts: RunFacts) -> list[str]:
    return [
        f"column {key} collected {c.shortfall[0]} of the {c.shortfall[1]} records announced"
        for key, c in sorted(facts.columns.items())
        if c.shortfall
    ]


CHECKS: tuple[Check, ...] = (
    Check("finished normally", _finished_normally),
    Check("not blocked by an anti-bot challenge", _not_blocked),
    Check("request error rate under the threshold", _error_rate),
    Check("detail parse failures under the threshold", _parse_failures),
    Check("columns that normally have items returned some", _columns_with_items),
    Check("no column failed outright", _columns_covered),
    Check("lists gave every record they announced", _announced_records),
)


def evaluate(facts: RunFacts, checks: tuple[Check, ...] = CHECKS) -> list[str]:
    """Return the problems of every failing check, each prefixed with the check's name."""
    return [f"{check.name}: {problem}" for check in checks for problem in check.problems(facts)]
