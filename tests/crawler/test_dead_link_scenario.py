"""The scenario of the dead-link issue, as a new user runs it: crawl, then the monthly report.

A portal column lists three posts of 市发改委 in December 2012; one article page answers 404
(deleted). The crawl reads the column whole, and ``scoring monthly-report`` assesses the month:
portal coverage complete, 2 posts against a quota of 12 (shortfall 10), and "1 listed post
could not be read (gone)" beside it, counted for nobody.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from samplesites.pages import portal as pages
from samplesites.portal import SHANGHAI
from samplesites.server import Request, Response, serving
from scoring.cli import cli
from tests.evidence_queries import with_registry

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
PROFILE = """name = "市发改委 (dead-link scenario)"
kind = "portal"
base_url = "http://dead-link-scenario.invalid"
[politeness]
concurrency = 4
delay = 0.0
autothrottle = false
timeout = 10.0
[[column]]
key = "fgw"
name = "部门动态"
list_kind = "trs"
url = "/fgw/index.html"
department = "市发改委"
"""
POSTS = [  # (path, title, published); the second answers 404
    ("/fgw/201212/t20121203_1.html", "市发改委召开重点项目推进会", dt.datetime(2012, 12, 3, 9, 0)),
    (
        "/art/2012/12/2/art_1_2.html",
        "市发改委部署年末安全生产检查",
        dt.datetime(2012, 12, 2, 10, 0),
    ),
    (
        "/fgw/201212/t20121201_3.html",
        "市发改委开展作风建设专题调研",
        dt.datetime(2012, 12, 1, 15, 0),
    ),
]
DELETED = POSTS[1][0]


def _site(request: Request) -> Response:
    items = [
        pages.list_item(path, title, when.replace(tzinfo=SHANGHAI)) for path, title, when in POSTS
    ]
    if request.path in ("/fgw/", "/fgw/index.html"):
        html = pages.trs_list("部门动态", items, 1, 0)  # GBK, the charset only in <meta>
        return Response(body=html.encode("gbk"), content_type="text/html")
    for path, title, when in POSTS:
        if request.path == path and path != DELETED:
            html = pages.detail_meta(title, when.replace(tzinfo=SHANGHAI), "市发改委", "部门动态")
            return Response(body=html.encode("utf-8"))
    return Response(404, b"<html><body>404 Not Found</body></html>")


def test_one_deleted_article_leaves_the_month_assessed_with_the_gone_post_beside_it(
    database_url: str, tmp_path: Path
) -> None:
    url = with_registry(database_url)
    profile = tmp_path / "fgw.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    with serving(_site) as server:
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"site={profile}",
             "-a", f"base_url={server.url}", "-s", "EGOV_RETRY_BACKOFF_BASE=0.05"],
            cwd=REPO, env={**os.environ, "EGOV_DATABASE_URL": url},
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]

    result = CliRunner().invoke(
        cli,
        ["monthly-report", "--month", "2012-12", "--format", "json"],
        env={"EGOV_DATABASE_URL": url},
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    departments = next(s for s in report["sections"] if s["key"] == "departments")["rows"]
    ndrc = next(row for row in departments if row["department"] == "市发改委")
    assert ndrc["portal_coverage"] == "complete"
    assert (ndrc["posts"], ndrc["quota"], ndrc["shortfall"]) == (2, 12, 10)
    assert ndrc["portal_points"] is not None
    assert ndrc["listed_gone"] == (
        "1 篇已列出的信息无法读取（页面已失效）/ 1 listed post could not be read (gone)"
    )
    assert (
        "1 listed post could not be read (gone)"
        in dict(report["meta"])["已列出但无法读取 listed, page gone"]
    )
    gone = next(s for s in report["sections"] if s["key"] == "gone")["rows"]
    assert [(g["list_title"], g["list_date"], g["reason"]) for g in gone] == [
        ("市发改委部署年末安全生产检查", "2012-12-02", "HTTP 404 Not Found")
    ]

    explained = CliRunner().invoke(
        cli,
        ["explain", "--department", "市发改委", "--month", "2012-12", "--format", "json"],
        env={"EGOV_DATABASE_URL": url},
    )
    assert explained.exit_code == 0, explained.output
    explanation = json.loads(explained.stdout)
    meta = dict(explanation["meta"])
    assert meta["门户覆盖 portal coverage"] == "complete"
    assert meta["已列出但无法读取 listed, page gone"].startswith(
        "1 篇已列出的信息无法读取（页面已失效）/ 1 listed post could not be read (gone)"
    )
    listed = next(s for s in explanation["sections"] if s["key"] == "gone")["rows"]
    assert [row["list_title"] for row in listed] == ["市发改委部署年末安全生产检查"]
