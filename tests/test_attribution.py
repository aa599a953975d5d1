"""The review queue, and evidence re-attributed once an analyst adds an alias."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.attribution import add_alias, load_resolver, reattribute, refresh_review_queue
from db.models import PortalPost, UnresolvedName
from db.registry import import_registry, load_registry
from tests import evidence_factories as make


def test_unknown_source_is_queued_with_count_and_examples_then_credited_after_alias(
    session: Session,
) -> None:
    import_registry(session, load_registry())
    site = make.site(session)
    resolver = load_resolver(session)
    for number in range(3):
        make.post(session, site, resolver, "绍兴市发改局", f"http://x/art/{number}.html")
    make.post(session, site, resolver, "市财政局", "http://x/art/ok.html")

    assert refresh_review_queue(session) == 1
    entry = session.scalars(select(UnresolvedName)).one()
    assert (entry.normalized, entry.occurrences, entry.status) == ("发改局", 3, "open")
    assert len(entry.example_urls) == 3

    add_alias(session, "市发改委", "市发改局", added_by="analyst")
    moved = reattribute(session)
    assert (moved.posts, moved.documents) == (3, 0)
    credited = session.scalars(
        select(PortalPost.department_id).where(PortalPost.source_normalized == "发改局")
    ).all()
    assert set(credited) == {load_resolver(session).resolve("市发改委").department_id}
    assert refresh_review_queue(session) == 0
    assert session.scalars(select(UnresolvedName.status)).one() == "resolved"


def test_outside_source_is_stored_but_never_queued(session: Session) -> None:
    import_registry(session, load_registry())
    site = make.site(session)
    row = make.post(session, site, load_resolver(session), "新华社", "http://x/art/xh.html")
    assert (row.attribution, row.department_id) == ("external", None)
    assert refresh_review_queue(session) == 0


def test_refresh_for_the_names_a_run_stored_touches_only_those_names(session: Session) -> None:
    import_registry(session, load_registry())
    site = make.site(session)
    resolver = load_resolver(session)
    make.post(session, site, resolver, "绍兴市发改局", "http://x/art/1.html")
    make.post(session, site, resolver, "市某某协会", "http://x/art/2.html")
    assert refresh_review_queue(session, {"发改局"}) == 1
    assert session.scalars(select(UnresolvedName.normalized)).all() == ["发改局"]

    make.post(session, site, resolver, "绍兴市发改局", "http://x/art/3.html")
    assert refresh_review_queue(session, set()) == 1  # a run that stored no unresolved name
    assert refresh_review_queue(session, {"发改局"}) == 1
    entry = session.scalars(select(UnresolvedName)).one()
    assert (entry.occurrences, len(entry.example_urls)) == (2, 2)
    assert refresh_review_queue(session) == 2  # the full rebuild finds the other name too
