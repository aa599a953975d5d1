"""A small city in March 2012, built in a real database, for the command-line tests.

Hand-computed figures the tests assert:

- 市发改委 (tier 1, quota 12): 12, 12, 6 posts in January–March (one March post reached
  twice); March shortfall 6; portal (1 + 1 + 0.5) / 3 × 8 = 6.67. March documents: one on
  time (lag 2), one late (lag 7: 2 working days late) → disclosure 12 × 1 / 2 = 6.00.
- 市统计局 (tier 2, quota 5): 5 posts each month → 8.00; no documents → not assessable.
- 驻京联络处 (tier 3, quota 2, liaison office): no posts → 0.00, shortfall 2.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from db.engine import make_engine, session_scope
from tests.scoring import factories as f

CUTOFF = "2012-04-10"


def build(database_url: str) -> dict[str, object]:
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return _build(session)
    finally:
        engine.dispose()


def _build(session: Session) -> dict[str, object]:
    portal = f.site(session, "portal")
    platform = f.site(session, "disclosure")
    for crawled in (portal, platform):
        for month in (1, 2, 3, 4):
            f.run(session, crawled, f.shanghai(2012, month, 1, 3))
    ndrc = f.department(session, "市发改委", tier=1)
    stats = f.department(session, "市统计局", tier=2)
    f.department(session, "驻京联络处", tier=3, is_liaison_office=True)
    f.department(session, "越城区", tier=None, kind="county")
    f.posts(session, ndrc, 2012, 1, 12, portal=portal)
    f.posts(session, ndrc, 2012, 2, 12, portal=portal)
    march = f.posts(session, ndrc, 2012, 3, 6, portal=portal)
    twice = f.post(
        session, ndrc, f.shanghai(2012, 3, 9), portal=portal, identity=march[0].identity_key
    )
    for month in (1, 2, 3):
        f.posts(session, stats, 2012, month, 5, portal=portal)
    on_time = f.document(
        session,
        ndrc,
        platform=platform,
        signed_on=dt.date(2012, 3, 1),
        published_on=dt.date(2012, 3, 5),
        number=10,
    )
    late = f.document(
        session,
        ndrc,
        platform=platform,
        signed_on=dt.date(2012, 3, 12),
        published_on=dt.date(2012, 3, 21),
        number=12,
        title="关于迟到文件的通知",
    )
    return {"march": march, "twice": twice, "on_time": on_time, "late": late}
