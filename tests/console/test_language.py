"""The console speaks Chinese first, English on request: per user, or from the browser."""

from __future__ import annotations

from babel.messages.pofile import read_po

from scoring.console.i18n import LOCALE_DIR, negotiate, translations


def test_the_login_page_is_in_chinese_without_any_language_asked(open_console):
    html = open_console().client.get("/login").text
    assert '<html lang="zh-CN">' in html
    assert "<h1>登录</h1>" in html and "用户名" in html and "Log in" not in html


def test_a_browser_asking_for_english_gets_english(open_console):
    client = open_console().client
    html = client.get("/login", headers={"accept-language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in html and "<h1>Log in</h1>" in html


def test_a_wrong_password_is_told_in_chinese(open_console):
    response = open_console().login("rev", "wrong password!")
    assert response.status_code == 401 and "用户名或密码错误" in response.text


def test_the_board_shows_names_not_keys(open_console, seeded):
    client = open_console("view").client
    board = client.get("/").text
    assert "看板 2012" in board and "达标" in board and "Board" not in board
    month = client.get(f"/departments/{seeded['ndrc']}?month=2012-03").text
    assert ">按时<" in month and ">逾期<" in month and ">on_time<" not in month
    assert "第1档" in month


def test_a_reviewer_reads_the_gone_and_wording_queues_in_chinese_and_a_liaison_never_sees_them(
    open_console,
):
    reviewer = open_console("rev").client
    overview = reviewer.get("/reviews").text
    assert "失效页面" in overview and "严重错误候选" in overview
    assert "Listed pages that are gone" not in overview and "Wording hits" not in overview
    gone = reviewer.get("/reviews/gone_page").text
    assert "<h1>失效页面" in gone and "页面恢复并被存档后即离开本队列" in gone
    wording = reviewer.get("/reviews/wording_hit").text
    assert "<h1>严重错误候选" in wording and "尚未复核的命中为待复核" in wording
    english = {"accept-language": "en"}
    assert "<h1>Wording hits" in reviewer.get("/reviews/wording_hit", headers=english).text
    liaison = open_console("liaison").client.get("/reviews").text
    assert "失效页面" not in liaison and "严重错误候选" not in liaison


def test_a_user_who_chooses_english_keeps_it_across_requests(open_console):
    browser = open_console("rev")
    response = browser.post_form("/", "/language", {"locale": "en", "back": "/reviews"})
    assert response.status_code == 303 and response.headers["location"] == "/reviews"
    assert "<h1>Reviews" in browser.client.get("/reviews").text
    chinese_browser = {"accept-language": "zh-CN"}
    assert "<h1>Reviews" in browser.client.get("/reviews", headers=chinese_browser).text
    browser.post_form("/", "/language", {"locale": "zh_CN", "back": "//evil.example"})
    assert "<h1>复核" in browser.client.get("/reviews").text


def test_every_message_of_the_catalog_is_translated_to_chinese():
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "console.po").open("rb") as handle:
        untranslated = [m.id for m in read_po(handle) if m.id and not m.string]
    assert untranslated == []
    catalog = translations("zh_CN")
    assert catalog.gettext("wrong user name or password") == "用户名或密码错误"
    assert negotiate("fr-FR,fr;q=0.9") == "zh_CN"
    assert negotiate("en;q=0.2, zh-TW;q=0.8") == "zh_CN"
    assert negotiate("de, en;q=0.5") == "en"
    assert negotiate("en", "zh_CN") == "zh_CN"
