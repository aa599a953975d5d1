"""The inspection findings queue: the inspection's warnings, vetoes and deductions of today,
reviewed like any finding, and closed to liaisons (a site belongs to no department)."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import quote

import pytest
from sqlalchemy import select

from db.models import AuditEvent, ReviewItem
from scoring.assessment.periods import SHANGHAI
from scoring.console.inspections import _letter_label
from scoring.inspection.interaction import OVER, EvidencePage, JudgedLetter
from tests.console import seed
from tests.console.conftest import rows

QUEUE = "/reviews/inspection_finding"


@pytest.fixture
def inspected(database_url: str, seeded: dict[str, int]) -> dict[str, object]:
    """The seeded city plus a week of probes of its portal ending today."""
    today = dt.datetime.now(SHANGHAI).date()
    pages = seed.inspection_week(database_url, today)
    return {"today": today, "month": f"{today:%Y-%m}", **pages}


def test_warnings_and_vetoes_are_listed_with_their_figures_never_ok_or_not_provable(
    open_console, inspected
):
    browser = open_console("rev")
    page = html.unescape(browser.client.get(QUEUE).text)
    month = inspected["month"]
    assert f'value="sx-portal:site_unreachable:{month}"' in page
    assert "站点无法访问 — portal site (sx-portal)" in page
    assert "7.14% (4/56)（阈值 5%，预警线 3%）：单项否决。" in page
    assert f'value="sx-portal:home_not_updated:{month}"' in page
    assert "11 days（阈值 14 days，预警线 10 days）：预警。" in page
    # ok (no categorised column) and not provable (no link check, no 年报 column): not listed
    for absent in ("stale_columns", "broken_links_home", "broken_links_other", "annual_report"):
        assert f"sx-portal:{absent}:" not in page
    assert "首页链接不可用" not in page and "年报" not in page
    # the stored pages behind them: the failed probe's answer, the home page last served
    assert f'href="/evidence/{inspected["failed_probe"]}"' in page
    assert f'href="/evidence/{inspected["home_probe"]}"' in page
    overview = browser.client.get("/reviews").text
    assert "国办检查指标问题" in overview


def test_a_finding_is_confirmed_then_fixed_and_both_steps_are_logged(
    open_console, inspected, database_url
):
    browser = open_console("rev")
    key = f"sx-portal:site_unreachable:{inspected['month']}"

    def step(action: str) -> int:
        return browser.post_form(
            QUEUE, f"{QUEUE}/step", {"subject_key": key, "action": action}
        ).status_code

    assert step("confirm") == 303
    assert step("fix") == 303
    item_page = browser.client.get(f"{QUEUE}/item?key={quote(key)}").text
    assert "7.14% (4/56)" in item_page and item_page.count("<td>rev</td>") == 2
    assert key in browser.client.get(f"{QUEUE}?state=fixed").text
    (item,) = rows(database_url, select(ReviewItem))
    assert (item.kind, item.subject_key, item.state, item.department_id) == (
        "inspection_finding",
        key,
        "fixed",
        None,
    )
    events = rows(database_url, select(AuditEvent).order_by(AuditEvent.id))
    assert [(e.action, e.from_state, e.to_state, e.subject) for e in events] == [
        ("confirm", "open", "confirmed", f"inspection_finding:{key}"),
        ("fix", "confirmed", "fixed", f"inspection_finding:{key}"),
    ]
    # last month's key is not this month's finding: nothing to open
    earlier = f"sx-portal:site_unreachable:{inspected['today'].year - 1}-01"
    assert browser.client.get(f"{QUEUE}/item?key={quote(earlier)}").status_code == 404


def test_a_liaison_sees_neither_the_queue_nor_its_items_nor_their_pages(open_console, inspected):
    key = quote(f"sx-portal:site_unreachable:{inspected['month']}")
    browser = open_console("liaison")
    assert "国办检查指标" not in browser.client.get("/reviews").text
    assert browser.client.get(QUEUE).status_code == 404
    assert browser.client.get(f"{QUEUE}/item?key={key}").status_code == 404
    assert browser.client.get(f"/evidence/{inspected['failed_probe']}").status_code == 404


def test_the_letters_behind_a_finding_are_named_in_chinese_with_their_column_names():
    letter = JudgedLetter(
        id=1,
        column="szxx",
        title="小区路灯不亮",
        url="http://portal.example/hdjl/szxx/1.html",
        submitted_on=dt.date(2026, 3, 2),
        status="unanswered",
        replied_on=None,
        reply_unit=None,
        department_id=None,
        department=None,
        limit_on=dt.date(2026, 6, 2),
        lag_working_days=None,
        verdict=OVER,
    )
    names = {"szxx": "书记信箱", "bmxx": "部门信箱"}
    assert _letter_label(EvidencePage(7, letter=letter), names) == (
        "来信《小区路灯不亮》（书记信箱，来信日期 2026-03-02）"
    )
    assert _letter_label(EvidencePage(8, form_column="bmxx"), names) == "部门信箱的留言表单页"
