"""The early warnings page: today's findings, the deliveries, the targets without secrets."""

from __future__ import annotations


def test_the_warnings_page_lists_targets_without_their_secrets(open_console):
    html = open_console("rev").client.get("/warnings").text
    assert "<h1>截至" in html and "预警" in html
    assert "EGOV_SECRET" not in html and "://" not in html.split('class="targets"')[1]


def test_a_liaison_has_no_warnings_page(open_console):
    assert open_console("liaison").client.get("/warnings").status_code == 403
