"""The wording scan after each crawl: the crawl's new pages read for 严重错误 candidates.

Run by :func:`schedules.jobs.crawl_site` once the crawl's evidence is written (and usable as
a job of its own, ``schedules.wording_jobs:scan_wording``). A scan that cannot run (the
lexicon file is wrong) is logged and reported, never failing the crawl it follows: the pages
stay unscanned and the next scan, or ``scoring inspection``, reads them.
"""

from __future__ import annotations

import logging
from typing import Any

from db.config import load_settings
from db.datafiles import DataFileError
from db.engine import make_engine, session_scope

log = logging.getLogger(__name__)


def scan_wording(site_key: str | None = None) -> dict[str, Any]:
    """Scan the stored pages not scanned yet (of ``site_key``, or of every site)."""
    from scoring.inspection.wording_lexicon import DEFAULT_WORDING_FILE, load_lexicon
    from scoring.inspection.wording_match import Matcher
    from scoring.inspection.wording_scan import scan

    settings = load_settings()
    try:
        matcher = Matcher(load_lexicon(settings.wording_file or DEFAULT_WORDING_FILE))
    except DataFileError as error:
        log.error("wording scan not run: %s", error)
        return {"status": "failed", "problem": str(error)}
    engine = make_engine(settings.database_url)
    try:
        with session_scope(engine) as session:
            done = scan(session, matcher, site_key=site_key)
    except LookupError as error:  # the crawl stored nothing of a site never crawled before
        log.warning("wording scan skipped: %s", error)
        return {"status": "skipped", "problem": str(error)}
    finally:
        engine.dispose()
    log.info(
        "wording scan of %s: %d pages, %d hits, %d new findings pending review in %.1f s",
        site_key or "every site",
        done.pages,
        done.hits,
        done.new_findings,
        done.seconds,
    )
    return {
        "status": "finished",
        "pages": done.pages,
        "hits": done.hits,
        "new_findings": done.new_findings,
    }
