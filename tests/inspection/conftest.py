"""The sample inspection site on 127.0.0.1 (its object storage on .2, an external site on .3),
real ``scrapy crawl`` runs of the portal, probe and link-check spiders, and a week of probes.

How time-based truth is built (the sample's ages are relative to today, in Asia/Shanghai):

- column ages: the sample dates its items ``age`` days before today and the real portal crawl
  walks it now; the inspection day is today;
- probes: the week's 56 home-page probes (every 3 hours) are stored through the probe spider's
  own storage path (:func:`crawler.inspection.store.store_probe`) at their planned times, except
  the last one, which is a real ``scrapy crawl probe`` stamped at today 21:00 (EGOV_CLOCK);
- wording: the crawl's new pages are scanned for the lexicon's wrong forms (the planted ones
  of :mod:`samplesites.wording`) as the nightly job does after a crawl;
- links: two real ``scrapy crawl linkcheck`` runs, the first stamped yesterday 10:00 with the
  sample on its day 1, the second today 10:00 with the sample on its day 2;
- letters: a real ``scrapy crawl letters`` of the consultation columns now (the departments
  answering them are the registry's, imported first).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.inspection.items import ProbeItem
from crawler.inspection.store import store_probe
from db.engine import make_engine, session_scope
from db.models import Site
from samplesites import sample_profile
from samplesites.inspection import SHANGHAI, ExternalSite, ObjectStorage, SampleInspectionSite
from samplesites.server import LocalServer, serving
from scoring.inspection.wording_lexicon import load_lexicon
from scoring.inspection.wording_match import Matcher
from scoring.inspection.wording_scan import scan
from tests.crawls import scrapy_crawl

REPO = Path(__file__).resolve().parents[2]
SITE_KEY = "sample-inspect"
FAST = ["-s", "EGOV_LINKCHECK_DELAY=0", "-s", "EGOV_RETRY_BACKOFF_BASE=0.05"]


def scrapy(
    url: str,
    spider: str,
    base_url: str,
    *args: str,
    clock: dt.datetime | None = None,
    env: dict[str, str] | None = None,
    site: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``scrapy crawl SPIDER -a site=…`` (the sample profile unless ``site``) into ``url``."""
    clock_args = ["-s", f"EGOV_CLOCK={clock.isoformat()}"] if clock is not None else []
    site = site or sample_profile(SITE_KEY)
    done = scrapy_crawl(url, spider, site, *FAST, *args, *clock_args, base_url=base_url, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@dataclass
class Servers:
    site: SampleInspectionSite
    external: ExternalSite
    site_server: LocalServer
    storage_server: LocalServer
    external_server: LocalServer

    @property
    def base_url(self) -> str:
        return self.site_server.url


@pytest.fixture(scope="module")
def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


@pytest.fixture(scope="module")
def servers(today: dt.date) -> Iterator[Servers]:
    external = ExternalSite(slow_seconds=1.0)
    with (
        serving(ObjectStorage(), host="127.0.0.2") as storage,
        serving(external, host="127.0.0.3") as outside,
    ):
        # Nothing listens on 127.0.0.4: a link there is refused.
        dead = "http://127.0.0.4:" + outside.url.rsplit(":", 1)[1]
        site = SampleInspectionSite(
            today, storage_url=storage.url, external_url=outside.url, dead_url=dead
        )
        with serving(site) as site_server:
            yield Servers(site, external, site_server, storage, outside)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), SHANGHAI)


def build_sample_week(url: str, servers: Servers, today: dt.date) -> None:
    """Crawl, probe and link-check the sample as the schedules would over a week."""
    site = servers.site
    site.day, site.home_state = 1, "up"
    scrapy(url, "portal", servers.base_url)
    scrapy(url, "letters", servers.base_url)
    planned = site.probe_week()
    engine = make_engine(url)
    with session_scope(engine) as session:  # after each crawl, its new pages' wording
        scan(session, Matcher(load_lexicon()))
    with session_scope(engine) as session:
        site_id = session.scalar(select(Site.id).where(Site.key == SITE_KEY))
        assert site_id is not None
        for probe in planned[:-1]:
            item = ProbeItem(
                target="home",
                url=servers.base_url + "/",
                probed_at=probe.at,
                http_status=probe.http_status,
                latency_seconds=probe.latency_seconds,
                error_kind=probe.error_kind,
                error=probe.error,
                newest_item_on=today - dt.timedelta(days=11) if probe.http_status == 200 else None,
            )
            store_probe(session, site_id, item, None)
    engine.dispose()
    assert planned[-1].at == at(today, 21) and planned[-1].http_status == 200
    scrapy(url, "probe", servers.base_url, clock=planned[-1].at)
    scrapy(url, "linkcheck", servers.base_url, clock=at(today - dt.timedelta(days=1), 10))
    site.day = 2
    scrapy(url, "linkcheck", servers.base_url, clock=at(today, 10))
    site.day = 1


@pytest.fixture(scope="module")
def sample_week(module_database_url: str, servers: Servers, today: dt.date) -> str:
    """A database holding a week of the sample's crawls, probes and link checks."""
    build_sample_week(module_database_url, servers, today)
    return module_database_url
