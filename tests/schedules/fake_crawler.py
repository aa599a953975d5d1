"""A stand-in crawler process for supervision tests: ``python fake_crawler.py SITE MODE``.

It writes its crawl_runs row as the real spiders do, then misbehaves as MODE says:
``hang`` (runs forever, dies on SIGTERM without closing its run), ``stubborn`` (ignores SIGTERM),
``crash`` (exits 3 with its run still "running"), ``silent`` (exits 1 before writing anything),
``ok`` (closes its run as finished with 7 items).
"""

from __future__ import annotations

import signal
import sys
import time

if sys.argv[2:3] == ["stubborn"]:  # before the slow imports, so no SIGTERM can come first
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

from sqlalchemy import select

from db.config import load_settings
from db.engine import make_engine, session_scope
from db.models import CrawlRun, Site, utcnow


def main(site_key: str, mode: str) -> int:
    if mode == "silent":
        return 1
    engine = make_engine(load_settings().database_url)
    with session_scope(engine) as session:
        site = session.scalar(select(Site).where(Site.key == site_key))
        if site is None:
            site = Site(key=site_key, name=site_key, kind="portal", base_url="http://127.0.0.1")
            session.add(site)
            session.flush()
        run = CrawlRun(site_id=site.id, spider="portal", stats={})
        session.add(run)
        session.flush()
        if mode == "ok":
            run.status, run.finish_reason, run.healthy = "finished", "finished", True
            run.finished_at = utcnow()
            run.stats = {"item_scraped_count": 7}
    print("crawl run written", flush=True)
    if mode in ("hang", "stubborn"):
        time.sleep(600)
    return 3 if mode == "crash" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
