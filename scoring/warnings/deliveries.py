"""Deliver early-warning findings: each finding to each of its targets once, and remember it.

Findings are grouped per target into one message (a digest: 预警通知). A delivery that went
through is stored (``warning_deliveries``, status ``sent``) and never sent again; one that
failed is stored as ``failed`` with the reason and tried again next time. ``dry_run`` decides
and prints the same, and neither sends nor stores anything.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import WarningDelivery, utcnow
from db.models.inspection import DeliveryStatus
from scoring.warnings.finding import Finding
from scoring.warnings.notify import NotifyConfig, resolve_url, send

SENT, FAILED = DeliveryStatus.SENT, DeliveryStatus.FAILED  # stored
# Outcomes of this call only, never stored.
ALREADY_SENT, WOULD_SEND, NO_TARGET = "already sent", "would send", "no target"


@dataclass(frozen=True)
class Delivery:
    finding: Finding
    target: str | None
    status: str  # sent, failed, already sent, would send, no target
    error: str | None = None


def deliver(
    session: Session,
    config: NotifyConfig,
    findings: list[Finding],
    secrets: dict[str, str],
    *,
    day: dt.date,
    dry_run: bool = False,
) -> list[Delivery]:
    """Send every finding not yet delivered to its targets; return what happened to each."""
    delivered = select(WarningDelivery.finding_key, WarningDelivery.target).where(
        WarningDelivery.status == DeliveryStatus.SENT
    )
    sent = {(key, target) for key, target in session.execute(delivered)}
    outcomes: list[Delivery] = []
    pending: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        targets = config.route(finding.department, finding.site)
        if not targets:
            outcomes.append(Delivery(finding, None, NO_TARGET))
        for target in targets:
            if (finding.key, target) in sent:
                outcomes.append(Delivery(finding, target, ALREADY_SENT))
            else:
                pending[target].append(finding)
    if dry_run:
        for target, batch in pending.items():
            outcomes += [Delivery(f, target, WOULD_SEND) for f in batch]
        return outcomes
    # Every secret first: a missing one stops the run before anything is sent.
    urls = {target: resolve_url(config, config.targets[target], secrets) for target in pending}
    for target, batch in pending.items():
        title, body = digest(batch, day)
        error = send(urls[target], title, body)
        _record(session, target, batch, error)
        outcomes += [Delivery(f, target, FAILED if error else SENT, error) for f in batch]
    return outcomes


def digest(findings: list[Finding], day: dt.date) -> tuple[str, str]:
    """One message for one target: a title and every finding, subject then details."""
    title = f"[egov-watch 预警] {len(findings)} early warnings as of {day}"
    parts = [f"{n}. {finding.subject}\n   {finding.body}" for n, finding in enumerate(findings, 1)]
    footer = "Sent once per finding by egov-watch (scoring warnings send)."
    return title, "\n\n".join([*parts, footer])


def _record(session: Session, target: str, batch: list[Finding], error: str | None) -> None:
    now = utcnow()
    keys = [f.key for f in batch]
    known = {
        row.finding_key: row
        for row in session.scalars(
            select(WarningDelivery).where(
                WarningDelivery.target == target, WarningDelivery.finding_key.in_(keys)
            )
        )
    }
    for finding in batch:
        row = known.get(finding.key)
        if row is None:
            row = WarningDelivery(
                finding_key=finding.key[:255],
                target=target,
                kind=finding.kind,
                department_id=finding.department_id,
                subject=finding.subject[:255],
                body=finding.body,
                attempts=0,
                first_attempt_at=now,
            )
            session.add(row)
        row.attempts += 1
        row.status = FAILED if error else SENT
        row.sent_at = None if error else now
        row.error = error
    session.commit()  # a delivery that went out is remembered even if a later target fails
