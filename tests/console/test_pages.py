"""The board, a department's month and a stored page, as the console shows them."""

from __future__ import annotations

import re


def _cell(html: str, department_id: int, month: str) -> str:
    match = re.search(
        rf'<a class="cell (\w+)" id="cell-{department_id}-{month}" data-posts="(\d+)"', html
    )
    assert match, f"no cell {department_id} {month}"
    return f"{match[1]} {match[2]}"


def test_the_board_shows_posts_against_quota_per_department_and_month(open_console, seeded):
    html = open_console("view").client.get("/").text
    assert "看板 2012" in html
    # 市发改委 (tier 1, quota 12): 12, 12, 6; March is below quota; April not covered
    assert _cell(html, seeded["ndrc"], "2012-01") == "ok 12"
    assert _cell(html, seeded["ndrc"], "2012-03") == "short 6"
    assert ">6/12" in html
    # 市统计局 (tier 2, quota 5): 5 + a backdated post in March
    assert _cell(html, seeded["stats"], "2012-03") == "ok 6"
    assert "⚑1" in html
    # a month after the last closing crawl is never shown as met or missed
    assert _cell(html, seeded["ndrc"], "2012-05") == "incomplete 0"
    assert "✓1 ✗1 ?0" in html  # 市发改委's March documents: one on time, one late


def test_the_board_sorts_by_tier_by_default_and_by_name_or_shortfall(open_console, seeded):
    client = open_console("view").client

    def order(query: str) -> list[str]:
        html = client.get("/" + query).text
        return re.findall(r'<th><a href="/departments/\d+\?year=2012">([^<]+)</a></th>', html)

    assert order("") == ["市发改委", "市统计局", "驻京联络处"]
    # shortfall over covered months only: 6 (March) each, a tie kept in tier order
    assert order("?sort=shortfall") == ["市发改委", "驻京联络处", "市统计局"]
    assert order("?sort=name") == sorted(["市发改委", "市统计局", "驻京联络处"])
    assert order("?tier=2") == ["市统计局"]


def test_a_department_month_lists_posts_and_documents_each_with_its_evidence(open_console, seeded):
    html = open_console("view").client.get(f"/departments/{seeded['ndrc']}?month=2012-03").text
    assert "2012-03 信息（7 条）" in html  # 6 unique posts, one reached twice
    assert html.count("<td>重复</td>") == 1
    assert f'href="/evidence/{seeded["scripted_page"]}"' in html
    assert len(re.findall(r'href="/evidence/\d+" class="evidence"', html)) == 7
    for verdict in ("on_time", "late", "undated"):
        assert f'class="verdict {verdict}"' in html
    assert "关于迟到文件的通知" in html and "没有成文日期的文件" in html
    assert "绍发改〔2012〕11号" in html  # the gap between 10 and 12
    assert "⚑ 倒填日期" not in html


def test_a_department_month_marks_the_post_its_walks_prove_backdated(open_console, seeded):
    html = open_console("view").client.get(f"/departments/{seeded['stats']}?month=2012-03").text
    row = re.search(r"<tr><td>[^<]*</td><td>倒填日期的信息</td>.*?</tr>", html, re.S)
    assert row and "⚑ 倒填日期" in row[0]
    assert html.count("⚑ 倒填日期") == 1


def test_the_evidence_page_gives_url_fetch_time_sha256_and_the_original(open_console, seeded):
    html = open_console("view").client.get(f"/evidence/{seeded['scripted_page']}").text
    assert "http://portal.example.test/art/" in html
    digest = re.search(r'<code class="sha">([0-9a-f]{64})</code>', html)
    assert digest
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(北京时间\) · HTTP 200", html)
    assert re.search(
        r'<a href="http://portal\.example\.test/art/\d+\.html" rel="noopener noreferrer"', html
    )
    assert "市发改委" in html


def test_unknown_pages_and_ids_are_not_found(open_console, seeded):
    client = open_console("admin").client
    assert client.get("/departments/999999").status_code == 404
    assert client.get("/evidence/999999").status_code == 404
    assert client.get("/reviews/no_such_queue").status_code == 404
    assert client.get("/reports/runs/999999").status_code == 404
    assert client.get("/?year=abc").status_code == 400
