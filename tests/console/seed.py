"""A small city for the console tests, built on the scoring tests' March 2012 scenario.

On top of ``tests.scoring.scenario`` (市发改委 6 unique posts in March, 市统计局 5, a late and
an on-time document numbered 10 and 12, so 11 is a 文号 gap):

- three March posts whose source, 绍兴市发展和改革委员会(物价局), matches no unit: adding it as
  an alias of 市发改委 moves 市发改委's March count from 6 to 9;
- a backdated post of 市统计局 and an undated document of 市发改委;
- 市发改委's first March post stored with a page that carries a ``<script>``;
- four users, one per role; every password is ``PASSWORD``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from functools import cache

from argon2 import PasswordHasher
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import ConsoleUser, Department, FetchedPage, PageBody, PortalPost, Site
from scoring.assessment.periods import SHANGHAI
from tests.scoring import factories as f
from tests.scoring import scenario

PASSWORD = "correct horse battery"
UNKNOWN_SOURCE = "绍兴市发展和改革委员会(物价局)"
SCRIPT_PAGE = (
    "<html><head><title>stored page</title></head><body><h1>发改委 三月 动态</h1>"
    "<script>document.body.setAttribute('data-ran', 'yes');"
    "try { parent.document.title = 'PWNED'; } catch (e) {}"
    "try { top.location = '/logout'; } catch (e) {}</script>"
    "<p>正文 body text</p></body></html>"
).encode()


@cache
def password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def build(database_url: str) -> dict[str, int]:
    """Seed the database; return the ids the tests need."""
    built = scenario.build(database_url)
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            units = {d.short_name: d for d in session.scalars(select(Department))}
            ndrc, stats = units["市发改委"], units["市统计局"]
            portal = session.scalar(select(Site).where(Site.kind == "portal"))
            platform = session.scalar(select(Site).where(Site.kind == "disclosure"))
            assert portal is not None and platform is not None
            for day in (13, 14, 15):
                post = f.post(session, None, f.shanghai(2012, 3, day), portal=portal)
                post.attribution = "unresolved"
                post.source_text = UNKNOWN_SOURCE
                post.source_normalized = "发展和改革委员会(物价局)"
            f.post(
                session,
                stats,
                f.shanghai(2012, 3, 2),
                portal=portal,
                backdated=True,
                first_seen_at=f.shanghai(2012, 3, 30),
                title="倒填日期的信息",
            )
            undated = f.document(
                session,
                ndrc,
                platform=platform,
                signed_on=None,
                published_on=dt.date(2012, 3, 20),
                title="没有成文日期的文件",
            )
            first = session.get(PortalPost, built["march"][0].id)  # type: ignore[index]
            assert first is not None
            scripted = _scripted_page(session, first.canonical_url)
            first.page_id = scripted
            for username, role, department in (
                ("admin", "admin", None),
                ("rev", "reviewer", None),
                ("view", "viewer", None),
                ("liaison", "liaison", stats.id),
                ("fgw", "liaison", ndrc.id),
            ):
                session.add(
                    ConsoleUser(
                        username=username,
                        display_name=username,
                        password_hash=password_hash(),
                        role=role,
                        department_id=department,
                    )
                )
            session.flush()
            return {
                "ndrc": ndrc.id,
                "stats": stats.id,
                "liaison_office": units["驻京联络处"].id,
                "scripted_page": scripted,
                "stats_page": _page_of(session, stats.id),
                "undated_document": undated.id,
            }
    finally:
        engine.dispose()


def _scripted_page(session, url: str) -> int:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256(SCRIPT_PAGE).hexdigest()
    session.add(PageBody(sha256=digest, size=len(SCRIPT_PAGE), data=zlib.compress(SCRIPT_PAGE)))
    session.flush()
    page = FetchedPage(
        url=url + "?v=2",
        final_url=url,
        http_status=200,
        sha256=digest,
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
    )
    session.add(page)
    session.flush()
    return page.id


def _page_of(session, department_id: int) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(
        select(PortalPost.page_id).where(PortalPost.department_id == department_id).limit(1)
    )


def inspection_week(database_url: str, today: dt.date) -> dict[str, int]:
    """A week of home-page probes of the portal ending ``today`` (Asia/Shanghai), as the probe
    spider stores them (:func:`crawler.inspection.store.store_probe`), and no link check.

    56 probes every 3 hours, 4 of them HTTP 503: 站点无法访问 7.14% (4/56), a veto. The home
    page's newest item is 11 days old: 首页不更新 a warning. No column has a category (栏目不更新
    ok), no link check ran (链接不可用 not provable), no 年报 column (not provable).
    """
    from crawler.inspection.items import ProbeItem
    from crawler.inspection.store import store_probe

    start = dt.datetime.combine(today - dt.timedelta(days=6), dt.time(), SHANGHAI)
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            portal = session.scalar(select(Site).where(Site.kind == "portal"))
            assert portal is not None
            pages: dict[str, int] = {}
            for n in range(56):
                at = start + dt.timedelta(hours=3 * n)
                failed = n in (5, 17, 30, 44)
                page_id = None
                if n in (44, 55):  # the last failure's error page, the last home page served
                    page_id = f.page(session, f"{portal.base_url}?probe={n}").id
                    pages["failed_probe" if failed else "home_probe"] = page_id
                item = ProbeItem(
                    target="home",
                    url=portal.base_url,
                    probed_at=at,
                    http_status=503 if failed else 200,
                    latency_seconds=0.4,
                    newest_item_on=None if failed else today - dt.timedelta(days=11),
                )
                store_probe(session, portal.id, item, page_id)
            return pages
    finally:
        engine.dispose()
