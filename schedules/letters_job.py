"""The letters job: read a site's consultation columns (``scrapy crawl letters``), nightly.

互动回应差 is judged on letter walks no older than the rules' ``evidence.max_age_days``, so the
letters are read every night, in their own process under a time limit, like the probes. A site
whose profile lists no ``[[letters.column]]`` has nothing to read: the job says so and starts
no process.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from crawler.interaction.settings import letter_columns
from crawler.profiles import load_profile
from db.engine import make_engine, session_scope
from db.models import CheckRunStatus, LetterColumn, LetterWalk, Site
from schedules.inspection_jobs import _process, _require_profile, _status, run_site_spider

log = logging.getLogger(__name__)


def read_letters(
    site_key: str, time_limit_seconds: int = 1800, base_url: str | None = None
) -> dict[str, Any]:
    """Read the letters of a site's consultation columns once; report the walks stored."""
    _require_profile(site_key)
    if not letter_columns(load_profile(site_key)):
        return {"site": site_key, "status": "skipped", "reason": "no [[letters.column]]"}
    settings, launched, outcome = run_site_spider(
        "letters", site_key, base_url, time_limit=time_limit_seconds, stop_grace=30
    )
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            walks = session.execute(
                select(func.count(LetterWalk.id), func.count().filter(LetterWalk.complete))
                .join(LetterColumn, LetterColumn.id == LetterWalk.column_id)
                .join(Site, Site.id == LetterColumn.site_id)
                .where(Site.key == site_key, LetterWalk.walked_at >= launched)
            ).one()
    finally:
        engine.dispose()
    status = _status(outcome)
    (log.info if status == CheckRunStatus.FINISHED else log.error)(
        "letters of %s %s in %.1fs: %s columns read, %s whole",
        site_key,
        status,
        outcome.seconds,
        walks[0],
        walks[1],
    )
    return {
        "site": site_key,
        "status": status,
        "columns": walks[0],
        "whole": walks[1],
        **_process(outcome),
    }
