"""The national inspection's scheduled jobs: probes, link checks and mid-month early warnings.

Probes and link checks run their spider in its own process (``scrapy crawl probe|linkcheck``)
under a time limit. A link check holds a lock per site (``linkcheck:<site>``) so two never run
at once, and a link-check run its process left ``running`` (killed, crashed, timed out) is
closed as ``killed`` or ``failed``: the inspection only reads finished runs. The warnings run
in this process (:mod:`scoring.warnings.findings`, :mod:`scoring.warnings.deliveries`).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Engine, func, select

from db.config import Settings, load_settings
from db.engine import make_engine, session_scope
from db.models import CheckRunStatus, LinkCheckRun, ProbeResult, Site, utcnow
from schedules import locks
from schedules.crawl import ProcessOutcome, crawl_command, run_spider_process
from schedules.environment import child_environment
from schedules.jobs import site_profile
from schedules.locks import LockHeldError

log = logging.getLogger(__name__)


def probe_site(
    site_key: str, time_limit_seconds: int = 300, base_url: str | None = None
) -> dict[str, Any]:
    """Probe a site's home page and chosen columns once (``scrapy crawl probe``).

    ``base_url`` replaces the profile's (a mirror, or a sample site on 127.0.0.1).
    """
    _require_profile(site_key)
    settings, launched, outcome = run_site_spider(
        "probe", site_key, base_url, time_limit=time_limit_seconds, stop_grace=10
    )
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            stored = session.scalar(
                select(func.count(ProbeResult.id))
                .join(Site, Site.id == ProbeResult.site_id)
                .where(Site.key == site_key, ProbeResult.probed_at >= launched)
            )
    finally:
        engine.dispose()
    status = _status(outcome)
    (log.info if status == CheckRunStatus.FINISHED else log.error)(
        "probe of %s %s in %.1fs: %s probes stored", site_key, status, outcome.seconds, stored
    )
    return {"site": site_key, "status": status, "probes": stored, **_process(outcome)}


def run_site_spider(
    spider: str, site_key: str, base_url: str | None, *, time_limit: int, stop_grace: int
) -> tuple[Settings, dt.datetime, ProcessOutcome]:
    """Run ``scrapy crawl <spider>`` of one site in its own process; return when and how."""
    settings = load_settings()
    launched = utcnow()
    outcome = run_spider_process(
        crawl_command(spider, site_key, base_url),
        time_limit=time_limit,
        stop_grace=stop_grace,
        log_file=_log_file(settings.var_dir, spider, site_key, launched),
        env=child_environment(settings),
    )
    return settings, launched, outcome


def check_links(
    site_key: str,
    time_limit_seconds: int = 7200,
    stop_grace_seconds: int = 30,
    base_url: str | None = None,
) -> dict[str, Any]:
    """Check the links of a site's home page and column pages (``scrapy crawl linkcheck``)."""
    _require_profile(site_key)
    settings = load_settings()
    engine = make_engine(settings.database_url)
    lock_key = f"linkcheck:{site_key}"[:64]
    ttl = dt.timedelta(seconds=time_limit_seconds + stop_grace_seconds + 300)
    try:
        lease = locks.acquire(engine, lock_key, ttl)
    except LockHeldError as held:
        engine.dispose()
        log.warning("skipped link check of %s: %s", site_key, held)
        return {"site": site_key, "status": "skipped", "reason": str(held)}
    try:
        launched = utcnow()
        before = _last_run_id(engine)
        outcome = run_spider_process(
            crawl_command("linkcheck", site_key, base_url),
            time_limit=time_limit_seconds,
            stop_grace=stop_grace_seconds,
            log_file=_log_file(settings.var_dir, "linkcheck", site_key, launched),
            env=child_environment(settings),
        )
        result = close_link_check(engine, site_key, before, outcome)
    finally:
        locks.release(engine, lease)
        engine.dispose()
    (log.info if result["status"] == CheckRunStatus.FINISHED else log.error)(
        "link check: %s", result
    )
    return result


def close_link_check(
    engine: Engine, site_key: str, after_run_id: int, outcome: ProcessOutcome
) -> dict[str, Any]:
    """Make the run the process opened (after ``after_run_id``) say how it ended."""
    with session_scope(engine) as session:
        run = session.scalars(
            select(LinkCheckRun)
            .join(Site, Site.id == LinkCheckRun.site_id)
            .where(Site.key == site_key, LinkCheckRun.id > after_run_id)
            .order_by(LinkCheckRun.id)
        ).first()
        if run is None:  # the process died before opening its run: nothing was checked
            status = "killed" if _status(outcome) == CheckRunStatus.KILLED else "failed"
            return {"site": site_key, "status": status, "run": None, **_process(outcome)}
        if run.status == CheckRunStatus.RUNNING or _status(outcome) != CheckRunStatus.FINISHED:
            status = "killed" if _status(outcome) == CheckRunStatus.KILLED else "failed"
            why = outcome.stopped_by_us or f"process exited with status {outcome.exit_code}"
            run.status, run.finish_reason = status, why[:128]
            run.finished_at = run.finished_at or utcnow()
        return {
            "site": site_key,
            "status": run.status,
            "run": run.id,
            "pages": run.pages_scanned,
            "links": run.links_checked,
            **_process(outcome),
        }


def _last_run_id(engine: Engine) -> int:
    """The highest link-check run id so far (0 if none): the next run of the site is after it.

    Ids, not times: a run's own clock may be set (EGOV_CLOCK) to another instant.
    """
    with session_scope(engine) as session:
        return int(session.scalar(select(func.coalesce(func.max(LinkCheckRun.id), 0))) or 0)


def send_warnings(dry_run: bool = False, day: str | None = None) -> dict[str, Any]:
    """Find today's (or ``day``'s) early warnings and send each once to its targets."""
    from scoring.assessment.periods import SHANGHAI
    from scoring.rules import rules_in_force
    from scoring.rules.national import national_rules_in_force
    from scoring.warnings.deliveries import deliver
    from scoring.warnings.findings import scan
    from scoring.warnings.notify import notify_config_in_force

    settings = load_settings()
    when = dt.date.fromisoformat(day) if day else utcnow().astimezone(SHANGHAI).date()
    city = rules_in_force(settings)
    national = national_rules_in_force(settings)
    config = notify_config_in_force(settings)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            found = scan(session, city, national, when)
            outcomes = deliver(
                session, config, found.findings, settings.notify_secrets, day=when, dry_run=dry_run
            )
    finally:
        engine.dispose()
    for note in found.notes:
        log.warning("early warnings of %s: %s", when, note)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    log.info("early warnings of %s: %d findings, %s", when, len(found.findings), counts)
    return {"day": when.isoformat(), "findings": len(found.findings), **counts}


def _require_profile(site_key: str) -> None:
    site_profile(site_key)


def _status(outcome: ProcessOutcome) -> str:
    if outcome.stopped_by_us or (outcome.exit_code is not None and outcome.exit_code < 0):
        return "killed"
    return "finished" if outcome.exit_code == 0 else "failed"


def _process(outcome: ProcessOutcome) -> dict[str, Any]:
    return {"exit_code": outcome.exit_code, "seconds": round(outcome.seconds, 1)}


def _log_file(var_dir: Any, spider: str, site_key: str, launched: dt.datetime) -> Any:
    return var_dir / "logs" / spider / f"{site_key}-{launched:%Y%m%dT%H%M%SZ}.log"
