"""Inspect one site as of one day: every indicator, with the evidence behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Site
from scoring.assessment.lags import calendar_in_force
from scoring.inspection.annual_report import annual_report_indicator
from scoring.inspection.columns import (
    ColumnState,
    InspectionError,
    column_indicators,
    column_states,
)
from scoring.inspection.interaction import (
    InteractionReport,
    interaction_indicators,
    interaction_report,
)
from scoring.inspection.links import LinkReport, link_findings, link_indicators
from scoring.inspection.reachability import (
    Probe,
    home_update_indicator,
    unreachable_indicator,
    window_probes,
)
from scoring.inspection.verdict import NOT_PROVABLE, Indicator, InspectionDay
from scoring.inspection.wording import WordingReport, serious_errors_indicator, wording_findings
from scoring.rules.national_model import NationalRules


@dataclass(frozen=True)
class Inspection:
    site: Site
    day: InspectionDay
    indicators: list[Indicator]
    columns: list[ColumnState]
    probes: list[Probe]
    links: LinkReport
    wording: WordingReport
    interaction: InteractionReport = field(
        default_factory=lambda: InteractionReport(columns=[], letters=[])
    )

    def indicator(self, key: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.key == key:
                return indicator
        raise KeyError(key)


def find_site(session: Session, site_key: str) -> Site:
    site = session.scalar(select(Site).where(Site.key == site_key))
    if site is None:
        known = ", ".join(session.scalars(select(Site.key).order_by(Site.key))) or "none yet"
        raise InspectionError(
            f"no site {site_key!r} in the evidence database (sites crawled so far: {known})"
        )
    return site


def inspect_site(
    session: Session,
    rules: NationalRules,
    site_key: str,
    day: dt.date,
    first_day: dt.date | None = None,
) -> Inspection:
    """Judge every indicator of ``site_key`` on ``day`` from the evidence stored by its end.

    ``first_day``: the period inspected starts then (see :class:`InspectionDay`).
    """
    site = find_site(session, site_key)
    if first_day is not None and first_day > day:
        raise InspectionError(f"the period starts ({first_day}) after it ends ({day})")
    when = InspectionDay(day, rules.evidence_max_age_days, first_day)
    probes = window_probes(session, rules, site.id, when)
    columns = column_states(session, rules, site.id, when)
    links = link_findings(session, rules, site.id, when)
    wording = wording_findings(session, site.id, when)
    counts = column_indicators(rules, columns)
    letters = interaction_report(session, rules.interaction, site.id, when, calendar_in_force())
    indicators = [
        unreachable_indicator(rules, probes),
        home_update_indicator(session, rules, site.id, when),
        *counts[:3],
        *link_indicators(rules, links),
        counts[3],
        annual_report_indicator(session, rules, site.id, columns, when),
        *interaction_indicators(rules.interaction, letters),
        serious_errors_indicator(rules, wording),
    ]
    indicators = [_with_unproven(i) for i in indicators]
    return Inspection(site, when, indicators, columns, probes, links, wording, letters)


def _with_unproven(indicator: Indicator) -> Indicator:
    """A ``not provable`` indicator says why, at least through its evidence."""
    if indicator.status == NOT_PROVABLE and not indicator.unproven:
        return replace(indicator, unproven=indicator.evidence)
    return indicator
