"""The library entry points: publish a report, re-print a stored one, explain a month.

The command line, the scheduler and the web console all come here (in-process: no subprocess,
no reading of printed text). One step each way:

    evidence --assess()--> Assessment --report--> Report --store--> ScoreRun --render--> files

``publish`` computes the report from the evidence known at the cut-off and the rules in force,
stores it as a score run and, given a directory, writes it in each format asked for.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy.orm import Session

from db.attribution import find_department
from db.config import DEFAULT_HEARTBEAT_LIMIT, Settings, load_settings
from db.engine import make_engine, session_scope
from db.models import ReportKind, ScoreRun, utcnow
from scoring.assessment.assess import Assessment, MissingEntry, assess
from scoring.assessment.periods import Period, parse_month, period_of_kind
from scoring.explanation import ExplainEvidence, load_explain_evidence
from scoring.reporting.model import Report
from scoring.reporting.render import EXTENSIONS, REPORT_FORMATS, render
from scoring.rules import Rules, rules_in_force
from scoring.runs import load_run, store_run


class NotFinalError(ValueError):
    """``final`` was asked while assessed sub-items still have no points."""

    def __init__(self, period: Period, missing: list[MissingEntry]) -> None:
        self.missing = missing
        units = len({(m.kind, m.unit) for m in missing})
        super().__init__(
            f"{period.label} cannot be published as final: {len(missing)} assessed sub-items "
            f"of {units} units have no points yet. Enter them with 'scoring manual add' or "
            "'scoring manual import' (0 points is an answer too), then run it again."
        )


@dataclass(frozen=True)
class PublishedRun:
    """A stored score run and the report as published, with the files written for it."""

    run_id: int
    kind: str
    period: str
    rules_version: str
    evidence_cutoff: dt.datetime
    provisional: bool
    final: bool
    report: Report
    files: tuple[Path, ...] = field(default_factory=tuple)

    def render(self, fmt: str) -> str | bytes:
        return render(self.report, fmt)

    @classmethod
    def of(cls, run: ScoreRun, report: Report) -> PublishedRun:
        return cls(
            run.id,
            run.kind,
            run.period,
            run.rules_version,
            run.evidence_cutoff,
            run.provisional,
            run.final,
            report,
        )


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one assessment step.

    A province-scale assessment allocates some 300,000 small objects that form no cycles; the
    collector would walk them again and again (measured: a quarter of an annual report's time).
    Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def build_report(assessment: Assessment) -> Report:
    """The report of an assessment: monthly, or a quarterly bulletin / annual assessment."""
    from scoring.reporting.monthly import monthly_report
    from scoring.reporting.periodic import periodic_report

    build: Callable[[Assessment], Report] = (
        monthly_report if assessment.period.kind == ReportKind.MONTHLY else periodic_report
    )
    return build(assessment)


def publish_with(
    session: Session,
    rules: Rules,
    period: Period,
    cutoff: dt.datetime,
    by: str | None = None,
    *,
    final: bool = False,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> PublishedRun:
    """Assess, build the report and store it, in ``session`` (committed by the caller)."""
    if final and period.kind == ReportKind.MONTHLY:
        raise ValueError("a monthly report has no ranking to make final")
    with cyclic_gc_paused():
        assessment = assess(session, rules, period, cutoff, heartbeat_limit=heartbeat_limit)
        if final:
            missing = assessment.missing_entries()
            if missing:
                raise NotFinalError(period, missing)
        report = build_report(assessment)
        del assessment
        run, report = store_run(session, rules, report, cutoff, by, final=final)
    return PublishedRun.of(run, report)


def publish(
    kind: str,
    period: str | Period | None = None,
    cutoff: dt.datetime | None = None,
    formats: Sequence[str] = (),
    by: str | None = None,
    *,
    final: bool = False,
    directory: Path | None = None,
    settings: Settings | None = None,
) -> PublishedRun:
    """Publish the ``kind`` report (monthly, quarterly, annual) for ``period``.

    ``period`` is a label (``2012-03``, ``2012Q1``, ``2012``) or a :class:`Period`; without
    one, the latest period of the kind that had ended by the cut-off. ``cutoff`` defaults to
    now. With ``directory``, the report is written there once per format in ``formats``, as
    ``<period>.<extension>``. ``final`` refuses (:class:`NotFinalError`) while any assessed
    sub-item has no points.
    """
    settings = settings or load_settings()
    moment = cutoff or utcnow()
    if isinstance(period, Period):
        chosen = period
        if chosen.kind != kind:
            raise ValueError(f"{chosen.label} is a {chosen.kind} period, not {kind}")
    else:
        chosen = period_of_kind(kind, period, moment)
    unknown = [fmt for fmt in formats if fmt not in REPORT_FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown} (known: {', '.join(REPORT_FORMATS)})")
    if formats and directory is None:
        raise ValueError("formats need a directory to write to")
    rules = rules_in_force(settings)
    with _session(settings) as session:
        published = publish_with(
            session,
            rules,
            chosen,
            moment,
            by,
            final=final,
            heartbeat_limit=settings.heartbeat_limit,
        )
    files = []
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = directory / f"{chosen.label}.{EXTENSIONS[fmt]}"
            content = published.render(fmt)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            files.append(path)
    return replace(published, files=tuple(files))


def explain(
    department: str,
    month: str | Period,
    cutoff: dt.datetime | None = None,
    settings: Settings | None = None,
) -> Report:
    """Expand one department's month to the evidence behind its numbers (not stored).

    ``department`` is a short name, full name or alias; an unknown one raises
    :class:`db.attribution.UnknownDepartmentError`.
    """
    from scoring.reporting.explain import explain_report

    settings = settings or load_settings()
    period = month if isinstance(month, Period) else parse_month(month)
    rules = rules_in_force(settings)
    with _session(settings) as session:
        unit = find_department(session, department)
        assessment, evidence = explain_with(
            session, rules, unit.id, period, cutoff or utcnow(), settings.heartbeat_limit
        )
        return explain_report(assessment, evidence)


def explain_with(
    session: Session,
    rules: Rules,
    unit_id: int,
    month: Period,
    cutoff: dt.datetime,
    heartbeat_limit: dt.timedelta = DEFAULT_HEARTBEAT_LIMIT,
) -> tuple[Assessment, ExplainEvidence]:
    """The assessment of one unit's month and the evidence behind its numbers, in ``session``."""
    assessment = assess(
        session, rules, month, cutoff, departments=[unit_id], heartbeat_limit=heartbeat_limit
    )
    return assessment, load_explain_evidence(session, assessment, unit_id)


def stored_run(session: Session, run_id: int) -> PublishedRun:
    """A stored score run as it was published (:class:`scoring.runs.UnknownRunError` if none)."""
    run, report = load_run(session, run_id)
    return PublishedRun.of(run, report)


def reprint(run_id: int, fmt: str, settings: Settings | None = None) -> str | bytes:
    """Render a stored score run again, exactly as it was published."""
    with _session(settings or load_settings()) as session:
        published = stored_run(session, run_id)
    return published.render(fmt)
