"""The console in a real browser (Debian's chromium through Playwright) against ``scoring serve``.

A reviewer logs in, opens a department and a post's stored page (whose script must not run),
resolves an unknown source name by adding an alias and sees the board's count change; a liaison
sees only its own department. Screenshots go to /tmp/console-shots/ for people to look at.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.console import seed

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/console-shots")
REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def console(sqlite_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """``scoring serve`` on a free port of 127.0.0.1, over the seeded city."""
    ids = seed.build(sqlite_url)
    port = _free_port()
    env = {
        **os.environ,
        "EGOV_DATABASE_URL": sqlite_url,
        "EGOV_VAR_DIR": str(tmp_path / "var"),
        "EGOV_SESSION_KEY": "browser-test-" + "k" * 40,
    }
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "scoring", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/login", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.close()
                    pytest.fail(
                        "scoring serve did not start: " + (tmp_path / "serve.log").read_text()
                    )
                time.sleep(0.2)
        yield base, ids
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture
def page():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is required under CI=true")
        pytest.skip("/usr/bin/chromium is not installed on this machine")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        context.set_default_timeout(20_000)
        yield context.new_page()
        context.close()
        browser.close()


def _log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "登录"  # Chinese first
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", seed.PASSWORD)
    page.click("form.login button")
    page.wait_for_url(base + "/")


def test_a_reviewer_follows_a_post_to_its_page_and_resolves_a_name(console, page):
    base, ids = console
    _log_in(page, base, "rev")
    assert page.locator("h1").inner_text() == "看板 2012"
    march = f"#cell-{ids['ndrc']}-2012-03"
    assert page.get_attribute(march, "data-posts") == "6"
    page.screenshot(path=str(SHOTS / "1-board-before.png"), full_page=True)

    page.click("th >> a:text('市发改委')")
    page.click("table.months >> a:text('2012-03')")
    assert page.locator("h2", has_text="2012-03 信息（7 条）").is_visible()
    page.screenshot(path=str(SHOTS / "2-department-march.png"), full_page=True)

    page.click(f"a.evidence[href='/evidence/{ids['scripted_page']}']")
    page.wait_for_url(f"{base}/evidence/{ids['scripted_page']}")
    frame = page.frame_locator("iframe.evidence")
    assert frame.locator("h1").inner_text() == "发改委 三月 动态"  # the stored page is shown
    assert frame.locator("body").get_attribute("data-ran") is None  # its script did not run
    assert page.title().endswith("egov-watch") and "PWNED" not in page.title()
    assert page.url == f"{base}/evidence/{ids['scripted_page']}"  # nor navigated the console
    page.screenshot(path=str(SHOTS / "3-evidence-sandboxed.png"), full_page=True)

    page.goto(base + "/reviews/unresolved_name")
    row = page.locator("tr", has_text=seed.UNKNOWN_SOURCE)
    row.locator("select[name=department]").select_option("市发改委")
    page.screenshot(path=str(SHOTS / "4-unresolved-name.png"), full_page=True)
    row.locator("form.alias button").click()
    assert page.locator(".flash").inner_text().endswith("3 条信息和 0 件文件重新归属")

    page.goto(base + "/")
    assert page.get_attribute(march, "data-posts") == "9"
    page.screenshot(path=str(SHOTS / "5-board-after.png"), full_page=True)


def test_a_liaison_sees_only_its_own_department(console, page):
    base, ids = console
    _log_in(page, base, "liaison")
    rows = page.locator("table.board tbody th").all_inner_texts()
    assert rows == ["市统计局"]
    page.screenshot(path=str(SHOTS / "6-liaison-board.png"), full_page=True)
    for path in (f"/departments/{ids['ndrc']}", f"/evidence/{ids['scripted_page']}"):
        response = page.goto(base + path)
        assert response is not None and response.status == 404
        assert "市发改委" not in page.content()
    page.screenshot(path=str(SHOTS / "7-liaison-refused.png"), full_page=True)


def test_the_department_page_fits_a_phone_screen(console, page):
    base, ids = console
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, base, "rev")
    for path in (f"/departments/{ids['ndrc']}?month=2012-03", "/", "/entries", "/audit"):
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto(base + f"/departments/{ids['ndrc']}?month=2012-03")
    page.screenshot(path=str(SHOTS / "8-department-phone.png"), full_page=True)


def test_a_late_document_goes_to_its_department_and_comes_back_explained(console, page, tmp_path):
    """The 整改 loop in Chinese: sent, answered with a PDF, accepted, marked in the report."""
    base, ids = console
    _log_in(page, base, "rev")
    page.goto(f"{base}/departments/{ids['ndrc']}?month=2012-03")
    late = page.locator("tr", has_text="绍发改〔2012〕12号")
    late.locator("form.send button").click()
    assert "已下发给部门" in page.locator(".flash").inner_text()
    item_url = page.url
    page.screenshot(path=str(SHOTS / "9-rectification-sent.png"), full_page=True)
    page.click("form[action='/logout'] button")

    _log_in(page, base, "fgw")
    page.goto(base + "/rectifications")
    page.click("a:text('绍发改〔2012〕12号 关于迟到文件的通知')")
    pdf = tmp_path / "情况说明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("textarea[name=text]", "公开平台故障，文件已于3月21日补发")
    page.set_input_files("input[name=files]", str(pdf))
    page.click("form.answer-form button")
    assert page.locator(".flash").inner_text() == "反馈已提交复核"
    assert page.locator("ul.attachments a").inner_text() == "情况说明.pdf"
    page.screenshot(path=str(SHOTS / "10-rectification-answered.png"), full_page=True)
    page.click("form[action='/logout'] button")

    _log_in(page, base, "rev")
    page.goto(item_url)
    page.click("form.decide-form button[value=accept]")
    assert page.locator(".flash").inner_text() == "已采纳：问题已说明"
    page.goto(base + "/reports")
    page.fill("input[name=period]", "2012-03")
    page.click("form.entry button")
    explained = page.locator("table.explained").inner_text()
    assert "市发改委" in explained and "绍发改〔2012〕12号" in explained and "已采纳" in explained
    page.screenshot(path=str(SHOTS / "11-report-explained.png"), full_page=True)
