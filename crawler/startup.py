"""Check what a site crawl needs before Scrapy starts; record a crawl that could not start.

``scrapy crawl`` (:mod:`crawler.commands.crawl`) calls :func:`check_start` before Scrapy
configures its logging, so a crawl that cannot start says why in one line and exits non-zero
(1; 2 for a mistake on the command line) before any request:

- the command line: an unknown option, an unknown ``-a`` argument, no ``-a site=``, a spider
  that does not exist;
- the site profile: missing, malformed, of the other kind, or naming a department the registry
  does not know;
- the evidence database: unreachable (a dead PostgreSQL, an SQLite path that cannot be
  created or opened), not writable, without the schema or at another schema revision.

Whenever the database can be written and the site is known (its profile loads, or an earlier
crawl registered it), a crawl the site or its profile stopped is recorded as a ``failed`` crawl
run with the reason (:func:`record_failed_start`): coverage then counts the night as lost
instead of never hearing of it. A mistake typed on the command line (status 2) is refused
without a run: nothing was attempted, and a typo must not mark a month incomplete. The crawl's
own recording records a failure that comes later, in ``spider_opened``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

from alembic.script import ScriptDirectory
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from crawler.departments import resolve_departments
from crawler.liveness import this_host
from crawler.profiles import ProfileError, SiteProfile, load_profile, profile_path
from db.config import load_settings
from db.engine import make_engine, session_scope
from db.errors import one_line, shown_url
from db.migrate import alembic_config
from db.models import CrawlRun, RunStatus, Site, utcnow

COULD_NOT_START = "could not start: "  # how a run that never walked anything begins its reason
SITE_SPIDER_ARGUMENTS = ("site", "base_url", "full")  # the -a arguments of every site spider
CONNECT_TIMEOUT_SECONDS = 10  # a PostgreSQL that does not answer is dead, not slow


class StartFailure(Exception):
    """A crawl that cannot start: the one line to print, and the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def check_start(args: Sequence[str], spargs: Mapping[str, str], settings: BaseSettings) -> None:
    """Raise :class:`StartFailure` if the site crawl ``args``/``spargs`` ask for cannot start.

    Spiders that crawl no site profile (the probe and link-check spiders) check themselves.
    """
    options = [a for a in args if a.startswith("-")]
    spiders = [a for a in args if not a.startswith("-")]
    if len(spiders) > 1:
        raise StartFailure(f"one spider at a time: got {' '.join(spiders)}", 2)
    if not spiders:
        if options:
            raise StartFailure(f"unknown option {options[0]} (see `scrapy crawl -h`)", 2)
        return  # Scrapy's own usage message
    spider = spiders[0]
    spidercls = _spider_class(spider, settings)
    site_kind = getattr(spidercls, "site_kind", None)  # None: not a site spider
    unknown = sorted(set(spargs) - set(SITE_SPIDER_ARGUMENTS)) if site_kind else []
    problem, status = None, 2  # a mistake on the command line, until the profile is read
    if options:
        problem = f"unknown option {options[0]} (see `scrapy crawl -h`)"
    elif unknown:
        names = ", ".join(f"-a {name}=" for name in SITE_SPIDER_ARGUMENTS)
        problem = f"unknown spider argument(s) {', '.join(unknown)} ({spider} takes {names})"
    site = spargs.get("site")
    if site_kind is None or not site:
        if problem is None and site_kind is not None:
            problem = f"spider {spider} needs -a site=<profile key>"
        if problem is not None:
            raise StartFailure(problem, status)
        return
    profile, wrong_profile = _profile(site, spargs.get("base_url"), site_kind, spider)
    if problem is None and wrong_profile is not None:
        problem, status = wrong_profile, 1
    url = load_settings().database_url
    try:
        engine = usable_database(url)
    except StartFailure:
        if problem is not None:  # the user's own mistake first: the database's turn comes next
            raise StartFailure(problem, status) from None
        raise
    try:
        if problem is None and profile is not None:
            try:
                resolve_departments(profile, url)
            except ProfileError as error:
                problem, status = str(error), 1
        if problem is not None:
            if status == 1:  # the site or its profile failed; a typed mistake crawled nothing
                key = profile.key if profile else profile_path(site).stem
                record_failed_start(engine, key, profile, spider, problem)
            raise StartFailure(problem, status)
    finally:
        engine.dispose()


def _spider_class(name: str, settings: BaseSettings) -> type[Any]:
    loader = get_spider_loader(settings)
    try:
        return loader.load(name)
    except KeyError:
        known = ", ".join(sorted(loader.list()))
        raise StartFailure(f"no spider {name!r} (known: {known})", 2) from None


def _profile(
    site: str, base_url: str | None, site_kind: str, spider: str
) -> tuple[SiteProfile | None, str | None]:
    """Return the profile, or what is wrong with it."""
    try:
        profile = load_profile(site, base_url)
    except ProfileError as error:
        return None, str(error)
    if profile.kind != site_kind:
        return profile, (
            f"site {site!r} is a {profile.kind} profile; spider {spider} crawls {site_kind} sites"
        )
    return profile, None


def usable_database(url: str) -> Engine:
    """Return an engine on the evidence database, or raise why it cannot take a crawl."""
    shown = shown_url(url)
    options: dict[str, Any] = {}
    try:
        if make_url(url).get_backend_name() == "postgresql":
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
        engine = make_engine(url, **options)
    except (OSError, SQLAlchemyError, ValueError) as error:
        raise StartFailure(f"cannot use the evidence database {shown}: {one_line(error)}") from None
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                raise StartFailure(
                    f"the evidence database {shown} has no schema (run `scoring db upgrade`)"
                )
            revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
            heads = ScriptDirectory.from_config(alembic_config(url)).get_heads()
            if revision not in heads:
                raise StartFailure(
                    f"the evidence database {shown} is at schema revision {revision}, this "
                    f"crawler needs {', '.join(heads)} (run `scoring db upgrade`)"
                )
            # A write that changes nothing: a read-only file or role fails here, not mid-crawl.
            connection.execute(text("UPDATE sites SET key = key WHERE 1 = 0"))
            connection.rollback()
    except StartFailure:
        engine.dispose()
        raise
    except SQLAlchemyError as error:
        engine.dispose()
        raise StartFailure(f"cannot use the evidence database {shown}: {one_line(error)}") from None
    return engine


def record_failed_start(
    engine: Engine,
    site_key: str,
    profile: SiteProfile | None,
    spider: str,
    reason: str,
    now: dt.datetime | None = None,
) -> int | None:
    """Record a crawl of ``site_key`` that could not start; return its run id.

    Returns None, recording nothing, when the site is unknown to the database and its profile
    cannot be read (nothing to attach the run to), or when the database refuses the write.
    """
    now = now or utcnow()
    problem = f"{COULD_NOT_START}{reason}"
    try:
        with session_scope(engine) as session:
            site = session.scalar(select(Site).where(Site.key == site_key))
            if site is None and profile is None:
                return None
            if site is None:
                assert profile is not None
                site = Site(
                    key=profile.key,
                    name=profile.name,
                    kind=profile.kind,
                    base_url=profile.declared_base_url,
                )
                session.add(site)
                session.flush()
            run = CrawlRun(
                site_id=site.id,
                spider=spider,
                status=RunStatus.FAILED,
                started_at=now,
                finished_at=now,
                finish_reason=problem[:128],
                healthy=False,
                health_problems=[problem],
                stats={},
                host=this_host(),
                pid=os.getpid(),
            )
            session.add(run)
            session.flush()
            return run.id
    except SQLAlchemyError:
        return None
