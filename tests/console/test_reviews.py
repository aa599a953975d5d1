"""Review queues: resolving a name by alias moves the count; steps are checked and logged."""

from __future__ import annotations

import re
from urllib.parse import quote

from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import AuditEvent, ReviewItem, Site, UnresolvedName
from tests.console.conftest import rows
from tests.console.seed import UNKNOWN_SOURCE
from tests.scoring import factories as f


def _march_posts(client, department_id: int) -> int:  # type: ignore[no-untyped-def]
    html = client.get("/?year=2012").text
    match = re.search(rf'id="cell-{department_id}-2012-03" data-posts="(\d+)"', html)
    assert match
    return int(match[1])


def test_adding_an_alias_resolves_the_name_and_the_board_count_changes(
    open_console, seeded, database_url
):
    browser = open_console("rev")
    assert _march_posts(browser.client, seeded["ndrc"]) == 6
    queue = browser.client.get("/reviews/unresolved_name").text
    assert UNKNOWN_SOURCE in queue and "3 条信息或文件使用此名称" in queue
    key = re.search(r'name="subject_key" value="([^"]+)"', queue)
    assert key
    response = browser.post_form(
        "/reviews/unresolved_name",
        "/reviews/unresolved_name/alias",
        {"subject_key": key[1], "department": "市发改委", "alias": UNKNOWN_SOURCE},
    )
    assert response.status_code == 303
    assert "3 条信息和 0 件文件重新归属" in browser.client.get(response.headers["location"]).text
    assert _march_posts(browser.client, seeded["ndrc"]) == 9
    assert UNKNOWN_SOURCE not in browser.client.get("/reviews/unresolved_name").text
    fixed = browser.client.get("/reviews/unresolved_name?state=fixed").text
    assert UNKNOWN_SOURCE in fixed
    (item,) = rows(database_url, select(ReviewItem))
    assert (item.kind, item.state, item.updated_by) == ("unresolved_name", "fixed", "rev")
    (event,) = rows(database_url, select(AuditEvent))
    assert (event.actor, event.action, event.from_state, event.to_state) == (
        "rev",
        "alias_added",
        "open",
        "fixed",
    )
    assert event.details["posts_reattributed"] == 3
    assert event.details["department"] == "市发改委"


def test_a_finding_goes_open_confirmed_fixed_and_every_step_is_logged(
    open_console, seeded, database_url
):
    browser = open_console("rev")
    queue = browser.client.get("/reviews/backdated_post").text
    assert "倒填日期的信息" in queue and "首次发现 2012-03-30" in queue
    key = re.search(r'name="subject_key" value="(post:\d+)"', queue)
    assert key

    def step(action: str, **extra: str) -> int:
        return browser.post_form(
            "/reviews/backdated_post",
            "/reviews/backdated_post/step",
            {"subject_key": key[1], "action": action, **extra},
        ).status_code

    assert step("fix") == 400  # an open finding cannot be fixed before it is confirmed
    assert step("confirm") == 303
    assert step("confirm") == 400
    assert step("fix") == 303
    page = browser.client.get(f"/reviews/backdated_post/item?key={quote(key[1])}").text
    assert "已确认" in page and "已标记整改" in page and page.count("<td>rev</td>") == 2
    events = rows(database_url, select(AuditEvent).order_by(AuditEvent.id))
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [
        ("confirm", "open", "confirmed", "rev"),
        ("fix", "confirmed", "fixed", "rev"),
    ]
    assert all(e.department_id == seeded["stats"] for e in events)


def test_a_dismissal_needs_a_reason_and_keeps_it(open_console, seeded, database_url):
    browser = open_console("admin")
    key = f"{seeded['ndrc']}:绍发改〔2012〕11号"
    page = f"/reviews/number_gap/item?key={quote(key)}"
    shown = browser.client.get(page).text
    assert "10号 与 12号 之间缺号" in shown
    assert "绍发改〔2012〕10号" in shown and "绍发改〔2012〕12号" in shown  # the neighbours
    assert shown.count('href="/evidence/') == 2
    assert '<option value="" selected>' in shown  # no reason is chosen for the reviewer

    def dismiss(**reason: str) -> int:
        return browser.post_form(
            page,
            "/reviews/number_gap/step",
            {"subject_key": key, "action": "dismiss", **reason},
        ).status_code

    assert dismiss(reason="", reason_other="") == 400
    assert dismiss(reason="重复 duplicate", reason_other="与11号文合并印发") == 303
    (item,) = rows(database_url, select(ReviewItem))
    assert (item.state, item.reason) == ("dismissed", "与11号文合并印发")
    assert "与11号文合并印发" in browser.client.get("/reviews/number_gap?state=dismissed").text


def test_dismissing_a_name_marks_it_ignored_for_the_command_line_review(
    open_console, seeded, database_url
):
    from db.attribution import refresh_review_queue

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        refresh_review_queue(session)
    engine.dispose()
    browser = open_console("rev")
    queue = browser.client.get("/reviews/unresolved_name").text
    key = re.search(r'name="subject_key" value="([^"]+)"', queue)
    assert key
    browser.post_form(
        "/reviews/unresolved_name",
        "/reviews/unresolved_name/step",
        {"subject_key": key[1], "action": "dismiss", "reason": "不在范围 out of scope"},
    )
    (name,) = rows(database_url, select(UnresolvedName))
    assert name.status == "ignored"


def test_a_long_queue_is_shown_a_page_at_a_time_and_counted_whole(
    open_console, seeded, monkeypatch, database_url
):
    from scoring.console import reviews

    engine = make_engine(database_url)
    with session_scope(engine) as session:  # two more sources that match no unit
        portal = session.scalars(select(Site).where(Site.kind == "portal")).one()
        for name in ("某某研究会", "某某协会"):
            post = f.post(session, None, f.shanghai(2012, 3, 9), portal=portal)
            post.attribution, post.source_text, post.source_normalized = "unresolved", name, name
    engine.dispose()
    monkeypatch.setattr(reviews, "PER_PAGE", 1)
    client = open_console("rev").client
    first = client.get("/reviews/unresolved_name?state=all").text
    total = int(re.search(r"共 (\d+) 项", first)[1])  # type: ignore[index]
    assert total == 3 and f"第 1 / {total} 页" in first and 'rel="prev"' not in first
    titles = set()
    for number in range(1, total + 1):
        html = client.get(f"/reviews/unresolved_name?state=all&page={number}").text
        titles |= set(re.findall(r'/reviews/unresolved_name/item\?key=[^"]+">([^<]+)</a>', html))
    assert len(titles) == total  # each item on exactly one page, none lost
    last = client.get(f"/reviews/unresolved_name?state=all&page={total + 5}").text
    assert f"第 {total} / {total} 页" in last and 'rel="next"' not in last
    assert client.get("/reviews/unresolved_name?page=two").status_code == 400
