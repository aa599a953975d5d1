"""站点无法访问 and 首页不更新, from the probes of the home page (``probe_results``).

Unreachable: over the ``window_days`` ending with the inspection day, the share of home-page
probes that failed (an HTTP error status, or no answer: timeout, refused connection, DNS) or
took ``slow_seconds`` or longer. Probes the site is not to blame for (an anti-bot challenge, an
off-site redirect) are left out of the share; with fewer than ``min_probes`` probes left the
share is ``not provable``.

Home page not updated: days from the newest dated item the home page showed, in the latest
successful probe of the day or before, to the inspection day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import FetchedPage, ProbeResult
from db.models.inspection import NOT_AGAINST_THE_SITE
from scoring.inspection.verdict import (
    NOT_PROVABLE,
    Indicator,
    InspectionDay,
    judge,
    local_time,
    number,
)
from scoring.rules.national_model import NationalRules

HOME = "home"
FAILED, SLOW, FINE, NOT_COUNTED = "failed", "slow", "ok", "not counted"


@dataclass(frozen=True)
class Probe:
    target: str
    url: str
    probed_at: dt.datetime
    http_status: int | None
    latency_seconds: float | None
    error_kind: str | None
    error: str | None
    verdict: str  # failed, slow, ok or not counted

    @property
    def what(self) -> str:
        if self.http_status is not None:
            latency = f", {self.latency_seconds:.1f}s" if self.latency_seconds is not None else ""
            return f"HTTP {self.http_status}{latency}"
        return f"{self.error_kind}: {self.error}"


def probe_verdict(row: ProbeResult, slow_seconds: float) -> str:
    if row.error_kind in NOT_AGAINST_THE_SITE:
        return NOT_COUNTED
    if row.http_status is None or row.http_status >= 400:
        return FAILED
    if row.latency_seconds is not None and row.latency_seconds >= slow_seconds:
        return SLOW
    return FINE


def window_probes(
    session: Session, rules: NationalRules, site_id: int, day: InspectionDay
) -> list[Probe]:
    """Every probe of the site (all targets) in the unreachability window, oldest first."""
    rule = rules.site_unreachable
    start = day.end - dt.timedelta(days=rule.window_days)
    rows = session.scalars(
        select(ProbeResult)
        .where(ProbeResult.site_id == site_id)
        .where(ProbeResult.probed_at >= start, ProbeResult.probed_at < day.end)
        .order_by(ProbeResult.probed_at, ProbeResult.target)
    ).all()
    return [
        Probe(
            r.target,
            r.url,
            r.probed_at,
            r.http_status,
            r.latency_seconds,
            r.error_kind,
            r.error,
            probe_verdict(r, rule.slow_seconds),
        )
        for r in rows
    ]


def unreachable_indicator(rules: NationalRules, probes: list[Probe]) -> Indicator:
    rule = rules.site_unreachable
    home = [p for p in probes if p.target == HOME]
    counted = [p for p in home if p.verdict != NOT_COUNTED]
    bad = [p for p in counted if p.verdict in (FAILED, SLOW)]
    share = Decimal(len(bad)) / Decimal(len(counted)) if counted else Decimal(0)
    percent = (share * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    value = f"{percent}% ({len(bad)}/{len(counted)})"
    evidence = [f"{len(counted)} home-page probes in the {rule.window_days} days"]
    if counted:
        first, last = local_time(counted[0].probed_at), local_time(counted[-1].probed_at)
        evidence[0] += f" from {first} to {last}"
    for verdict in (FAILED, SLOW):
        found = [p for p in bad if p.verdict == verdict]
        if found:
            listed = ", ".join(f"{local_time(p.probed_at)} {p.what}" for p in found)
            evidence.append(f"{verdict}: {listed}")
    left_out = len(home) - len(counted)
    if left_out:
        evidence.append(f"{left_out} probes not counted (anti-bot challenge, off-site redirect)")
    if len(counted) < rule.min_probes:
        status = NOT_PROVABLE
        evidence.append(f"fewer than {rule.min_probes} probes: the share proves nothing")
    else:
        status = judge(share, rule.threshold, rule.warn_at, rule.kind)
    return Indicator(
        key=rule.key,
        name=rule.name,
        kind=rule.kind,
        value=value,
        threshold=f"{number(rule.threshold * 100)}%",
        warn_at=f"{number(rule.warn_at * 100)}%",
        status=status,
        evidence=". ".join(evidence),
    )


def home_update_indicator(
    session: Session, rules: NationalRules, site_id: int, day: InspectionDay
) -> Indicator:
    rule = rules.home_not_updated
    probe = session.scalars(
        select(ProbeResult)
        .where(ProbeResult.site_id == site_id, ProbeResult.target == HOME)
        .where(ProbeResult.http_status < 400, ProbeResult.probed_at < day.end)
        .order_by(ProbeResult.probed_at.desc())
        .limit(1)
    ).first()
    common = {
        "key": rule.key,
        "name": rule.name,
        "kind": rule.kind,
        "threshold": f"{number(rule.threshold)} days",
        "warn_at": f"{number(rule.warn_at)} days",
    }
    if probe is None:
        return Indicator(
            **common, value="-", status=NOT_PROVABLE, evidence="no home page probe answered"
        )
    page = session.get(FetchedPage, probe.page_id) if probe.page_id else None
    seen = f"home page {probe.url} probed {local_time(probe.probed_at)}"
    if page is not None:
        seen += f" (stored page sha256 {page.sha256[:12]})"
    if not day.fresh(probe.probed_at):
        evidence = f"{seen}: more than {day.max_age_days} days before {day.day}"
        return Indicator(**common, value="-", status=NOT_PROVABLE, evidence=evidence)
    if probe.newest_item_on is None:
        evidence = f"{seen} shows no dated item"
        return Indicator(**common, value="-", status=NOT_PROVABLE, evidence=evidence)
    age = (day.day - probe.newest_item_on).days
    return Indicator(
        **common,
        value=f"{age} days",
        status=judge(age, rule.threshold, rule.warn_at, rule.kind),
        evidence=f"newest item {probe.newest_item_on} on the {seen}",
    )


def probe_summary(probes: list[Probe]) -> list[dict[str, object]]:
    """Per target: probes, failed, slow, not counted, and the median load time."""
    rows = []
    for target in sorted({p.target for p in probes}, key=lambda t: (t != HOME, t)):
        mine = [p for p in probes if p.target == target]
        times = sorted(p.latency_seconds for p in mine if p.latency_seconds is not None)
        rows.append(
            {
                "target": target,
                "url": mine[-1].url,
                "probes": len(mine),
                "failed": sum(p.verdict == FAILED for p in mine),
                "slow": sum(p.verdict == SLOW for p in mine),
                "not_counted": sum(p.verdict == NOT_COUNTED for p in mine),
                "median_seconds": f"{times[len(times) // 2]:.2f}" if times else "",
            }
        )
    return rows
