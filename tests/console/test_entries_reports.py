"""Analyst entries through the console, what the annual ranking still lacks, and reports."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from db.models import AuditEvent, ManualScore, ScoreRun
from tests.console.conftest import rows


def test_an_entry_is_stored_with_the_logged_in_user_as_its_author(
    open_console, seeded, database_url
):
    browser = open_console("rev")
    response = browser.post_form(
        "/entries",
        "/entries",
        {
            "department": "市发改委",
            "item_key": "a2.portal.duty",
            "period": "2012",
            "kind": "score",
            "points": "1.5",
            "reason": "值班记录齐全",
            "entered_by": "someone else",  # ignored: the author is who is logged in
        },
    )
    assert response.status_code == 303
    (entry,) = rows(database_url, select(ManualScore))
    assert (entry.entered_by, entry.item_key, str(entry.points)) == (
        "rev",
        "a2.portal.duty",
        "1.500",
    )
    (event,) = rows(database_url, select(AuditEvent))
    assert (event.action, event.actor, event.subject) == (
        "manual_entry",
        "rev",
        f"manual_score:{entry.id}",
    )
    page = browser.client.get("/entries").text
    assert "值班记录齐全" in page


def test_a_wrong_entry_is_refused_with_one_line_and_nothing_stored(
    open_console, seeded, database_url
):
    browser = open_console("rev")
    response = browser.post_form(
        "/entries",
        "/entries",
        {
            "department": "市发改委",
            "item_key": "a2.portal.duty",
            "period": "2012",
            "kind": "score",
            "points": "99",
            "reason": "too many",
        },
    )
    assert response.status_code == 400
    assert "takes 0 to" in response.text
    assert rows(database_url, select(ManualScore)) == []


def test_suggestions_are_capped_and_the_missing_sub_items_are_listed(open_console, seeded):
    browser = open_console("rev")
    for _ in range(3):
        assert (
            browser.post_form(
                "/entries",
                "/entries",
                {
                    "department": "市发改委",
                    "item_key": "a2.portal",
                    "period": "2012-03",
                    "kind": "suggestion",
                    "points": "",
                    "reason": "纠错",
                },
            ).status_code
            == 303
        )
    page = browser.client.get("/entries?year=2012").text
    assert '<td>市发改委</td><td class="num">3</td><td class="num">1.00</td>' in page
    assert "年度排名前尚缺" in page and 'title="a2.coordination.organisation"' in page
    assert "个单位缺子项得分" in page


def test_a_report_is_stored_as_a_run_and_downloads_in_the_five_formats(
    open_console, seeded, database_url
):
    browser = open_console("rev")
    response = browser.post_form("/reports", "/reports", {"kind": "monthly", "period": "2012-03"})
    assert response.status_code == 303
    (run,) = rows(database_url, select(ScoreRun))
    assert (run.kind, run.period, run.created_by) == ("monthly", "2012-03", "rev")
    assert response.headers["location"] == f"/reports/runs/{run.id}"
    viewer = open_console("view").client
    page = viewer.get(f"/reports/runs/{run.id}").text
    assert "2012-03 门户网站信息发布和文件公开月报" in page and "市发改委" in page
    downloads = {
        fmt: viewer.get(f"/reports/runs/{run.id}/download?format={fmt}")
        for fmt in ("table", "json", "csv", "xlsx", "html")
    }
    assert all(r.status_code == 200 for r in downloads.values())
    assert json.loads(downloads["json"].text)["period"] == "2012-03"
    assert downloads["csv"].content.startswith("\ufeff# 概要 Summary".encode())
    assert downloads["xlsx"].content[:2] == b"PK"
    assert downloads["table"].headers["content-type"].startswith("text/plain")
    assert downloads["html"].headers["content-security-policy"].startswith("sandbox")
    assert "attachment" in downloads["html"].headers["content-disposition"]
    assert (
        browser.post_form(
            "/reports", "/reports", {"kind": "quarterly", "period": "2012-03"}
        ).status_code
        == 400
    )


def test_the_ranking_is_provisional_and_awards_no_prize_while_points_are_missing(
    open_console, seeded
):
    page = open_console("view").client.get("/entries?year=2012").text
    assert "2012年暂定排名：部门" in page
    assert "不评奖。" in page and "等奖" not in page
    ranked = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', page)
    assert {name for _, name in ranked} == {"市发改委", "市统计局", "驻京联络处", "越城区"}
    # a liaison sees neither the city-wide ranking nor what other units still miss
    own = open_console("liaison").client.get("/entries?year=2012").text
    assert re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td>', own) == []
    assert "排名" not in own and "市发改委" not in own
