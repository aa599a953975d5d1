"""A stand-in link-check process: ``python fake_linkcheck.py SITE MODE``.

It opens its link_check_runs row as the real spider's pipeline does, then ``hang`` (runs until
killed, its run still "running") or ``crash`` (exits 3 with its run still "running").
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import select

from crawler.inspection.store import open_link_check_run
from db.config import load_settings
from db.engine import make_engine, session_scope
from db.models import Site, utcnow


def main(site_key: str, mode: str) -> int:
    engine = make_engine(load_settings().database_url)
    with session_scope(engine) as session:
        site = session.scalar(select(Site).where(Site.key == site_key))
        if site is None:
            site = Site(key=site_key, name=site_key, kind="portal", base_url="http://127.0.0.1")
            session.add(site)
            session.flush()
        open_link_check_run(session, site.id, utcnow())
    print("link check run opened", flush=True)
    if mode == "hang":
        time.sleep(600)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
