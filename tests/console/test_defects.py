"""Defects found in use of the console, each kept from coming back."""

from __future__ import annotations

import pytest

HUGE = "9223372036854775808"  # one more than the largest 64-bit id


@pytest.mark.parametrize(
    "path",
    [
        f"/evidence/{HUGE}",
        f"/evidence/{HUGE}/body",
        f"/evidence/{HUGE}/source",
        f"/departments/{HUGE}",
        "/reports/runs/99999999999999999999999/download?format=csv",
    ],
)
def test_an_id_too_large_for_the_database_is_not_found(open_console, path):
    response = open_console("admin").client.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert "<html" in response.text


@pytest.mark.parametrize("month", ["9999-01", "0000-01", "2012-13", "x"])
def test_a_month_outside_the_years_shown_is_a_bad_request(open_console, seeded, month):
    browser = open_console("admin")
    response = browser.client.get(f"/departments/{seeded['stats']}?month={month}")
    assert response.status_code == 400


def test_a_copied_session_cookie_stops_working_after_logout(open_console):
    browser = open_console("admin")
    copied = dict(browser.client.cookies)
    assert browser.client.get("/audit").status_code == 200
    browser.post_form("/", "/logout", {})
    thief = open_console()
    thief.client.cookies.update(copied)
    response = thief.client.get("/audit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
