"""A sample government website for the national inspection, with known truth relative to a day.

``SampleInspectionSite(today, storage_url=…, external_url=…)`` serves (as a
``samplesites.server`` handler) a home page and one generic list column (``/col/<key>/``) per
entry of :data:`COLUMNS`, whose newest item is ``age`` days before ``today``: columns of every
category (动态/要闻, 通知公告, 政策文件, 基本信息, 互动交流, 年报, 静态) at ages that are fresh,
about to go stale and stale, and three blank columns (空白栏目). Its links are working and
broken, on the site itself, on its object storage (:class:`ObjectStorage`, another host the
profile names as the site's) and on an external site (:class:`ExternalSite`: slow pages, a
page refusing HEAD, a robots.txt-forbidden page). ``day`` (1 or 2) is the day of the link
check: one link fails only on day 1, one only on day 2. ``dead`` (path -> "404", "410",
"soft404" or "redirect") makes listed articles gone (empty by default: the truth below holds).

The home page goes down for part of the week: :meth:`probe_week` lists the week's probes
(every 3 hours) with what each one met; ``home_state`` ("up", "error" or "slow") makes the
live home page answer so for a real probe. :data:`TRUTH` is every indicator's value and status
for the national rules bundled (``scoring/rules/national-2019.toml``), derived by hand from
the tables below. The profile is ``samplesites/sample-inspect.toml``.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from html import escape
from zoneinfo import ZoneInfo

from samplesites import consultation
from samplesites.server import Request, Response
from samplesites.wording import post_body, post_hits

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOME_NEWEST_AGE = 11  # days: the home page's newest item (首页不更新: warning at 10, veto at 14)
SLOW_SECONDS = 1.2  # the live home page's delay when home_state == "slow"
ERROR_PAGE = "/error.html"  # the site's error page, answered with status 200 (a soft 404)


@dataclass(frozen=True)
class SampleColumn:
    key: str
    name: str
    category: str
    ages: tuple[int, ...]  # item ages in days before today, newest first; () = blank column
    links: tuple[str, ...] = ()  # extra links on the list page ({site}, {storage}, {external})


COLUMNS: tuple[SampleColumn, ...] = (
    SampleColumn("dyn-news", "要闻", "dynamic", (3, 5, 9), ("{external}/head-refused.html",)),
    SampleColumn("dyn-work", "工作动态", "dynamic", (12, 16), ("{external}/gone.html",)),
    SampleColumn("dyn-dept", "部门动态", "dynamic", (20, 25)),
    SampleColumn("dyn-county", "县区动态", "dynamic", (30,)),
    SampleColumn("tzgg", "通知公告", "notice", (40, 90), ("{storage}/bucket/missing.pdf",)),
    SampleColumn("gsgg", "公示公告", "notice", (170,), ("{site}/breaks-second-day.html",)),
    SampleColumn("zbgg", "招标公告", "notice", (200, 230)),
    SampleColumn("zcwj", "政策文件", "policy", (400,), ("{dead}/dead.html",)),
    SampleColumn("zcjd", "政策解读", "policy", (60,)),
    SampleColumn("jgzn", "机构职能", "basic", (500,), ("{site}/files/handbook.docx",)),
    SampleColumn("ldxx", "领导信息", "basic", (100,)),
    SampleColumn("zjdc", "征集调查", "interactive", (380,), ("{external}/private/page.html",)),
    SampleColumn("nb", "政府信息公开年报", "annual_report", ()),  # items: see annual_report_items
    SampleColumn("wsdc", "网上调查", "interactive", ()),
    SampleColumn("ldxx-mail", "领导信箱", "interactive", ()),
    SampleColumn("ztzl", "专题专栏", "dynamic", ()),
    SampleColumn("lxwm", "联系我们", "static", (800,)),
)

HOME_LINKS = (  # and two images: /images/logo.png (working), /images/banner-missing.png (404)
    "{site}/no-such-page.html",  # internal page, broken (404): home page
    "{site}/flaky-first-day.html",  # 500 on day 1 only: never confirmed, not broken
    "{storage}/bucket/guide.pdf",  # attachment on the object storage, working
    "{external}/ok.html",  # external, working
    "{external}/slow.html",  # external, slow but working
)

TRUTH: dict[str, tuple[str, str]] = {
    # indicator: (value as printed, status)
    "site_unreachable": ("7.14% (4/56)", "veto"),
    "home_not_updated": ("11 days", "warning"),
    "stale_columns": ("4", "warning"),
    "long_unupdated_columns": ("3", "ok"),
    "blank_columns": ("3", "warning"),
    "broken_links_home": ("2", "deduction"),
    # the robots.txt-forbidden external link is not checked: the count is a floor
    "broken_links_other": ("at least 3 broken; 1 not checked", "deduction"),
    "columns_past_period": ("6", "deduction"),
    "annual_report": ("published", "ok"),
    **consultation.TRUTH,  # the consultation columns under /hdjl/ (samplesites/consultation.py)
    # the planted miswritings of samplesites.wording, none reviewed yet: never a veto
    "serious_errors": (f"0 confirmed, {post_hits()} 待复核", "warning"),
}
BROKEN_ON_HOME = ("/images/banner-missing.png", "/no-such-page.html")
BROKEN_ELSEWHERE = ("/gone.html", "/bucket/missing.pdf", "/dead.html")


@dataclass(frozen=True)
class PlannedProbe:
    at: dt.datetime  # aware, Asia/Shanghai
    http_status: int | None
    latency_seconds: float | None
    error_kind: str | None = None
    error: str | None = None


class SampleInspectionSite:
    """The sample site (see the module docstring); a ``samplesites.server`` handler."""

    def __init__(
        self, today: dt.date, *, storage_url: str, external_url: str, dead_url: str
    ) -> None:
        self.today = today
        self.bases = {"storage": storage_url, "external": external_url, "dead": dead_url}
        self.day = 1
        self.home_state = "up"
        self.requests: list[tuple[str, str]] = []
        self.dead: dict[str, str] = {}  # listed article path -> how it is gone
        self.consultation = consultation.Consultation(today)

    # ------------------------------------------------------------------ truth
    def annual_report_items(self) -> list[tuple[str, dt.date]]:
        """The 年报 column: last year's report, on time, and a newer quarterly note."""
        year = self.today.year
        deadline = dt.date(year, 1, 20)
        published = deadline if self.today > dt.date(year, 1, 31) else self.today - dt.timedelta(1)
        return [
            (f"{year - 1}年政府信息公开工作年度报告", published),
            ("政府信息公开工作季度情况", self.today - dt.timedelta(days=30)),
        ]

    def items(self, column: SampleColumn) -> list[tuple[str, dt.date]]:
        if column.key == "nb":
            return sorted(self.annual_report_items(), key=lambda item: item[1], reverse=True)
        return [
            (f"{column.name}信息{n + 1}", self.today - dt.timedelta(days=age))
            for n, age in enumerate(column.ages)
        ]

    def probe_week(self) -> list[PlannedProbe]:
        """The week's home-page probes, every 3 hours: down for a day's part, once slow."""
        down = self.today - dt.timedelta(days=4)
        slow = self.today - dt.timedelta(days=2)
        probes = []
        for back in range(6, -1, -1):
            day = self.today - dt.timedelta(days=back)
            for hour in range(0, 24, 3):
                at = dt.datetime.combine(day, dt.time(hour), SHANGHAI)
                if day == down and hour in (9, 12):
                    probes.append(PlannedProbe(at, 503, 0.02))
                elif day == down and hour == 15:
                    refused = "ConnectionRefusedError: Connection was refused by other side"
                    probes.append(PlannedProbe(at, None, 0.01, "connection", refused))
                elif day == slow and hour == 6:
                    probes.append(PlannedProbe(at, 200, 16.2))
                else:
                    probes.append(PlannedProbe(at, 200, 0.05))
        return probes

    # ------------------------------------------------------------------ serving
    def __call__(self, request: Request) -> Response:
        self.requests.append((request.method, request.path))
        path = request.path
        if path in ("/", "/index.html"):
            return self._home()
        if path.startswith("/col/"):
            key = path.split("/")[2]
            column = next((c for c in COLUMNS if c.key == key), None)
            return self._column(column) if column else _missing()
        if path == ERROR_PAGE or self.dead.get(path) == "soft404":
            return _page("<div class='error'>对不起，您访问的页面不存在！</div>", "提示")
        dead = self.dead.get(path)
        if dead == "redirect":
            return Response(302, b"", headers={"Location": ERROR_PAGE})
        if dead in ("404", "410"):
            return _missing(int(dead))
        if path.startswith("/art/"):
            return self._article(path)
        if path.startswith("/hdjl/"):
            return self.consultation(request)
        if path in ("/images/logo.png",):
            return Response(200, b"\x89PNG\r\n\x1a\n", content_type="image/png")
        if path == "/files/handbook.docx":
            return Response(200, b"PK\x03\x04" + b"0" * 2048, content_type="application/msword")
        if path == "/flaky-first-day.html":
            return _missing(500) if self.day == 1 else _page("ok")
        if path == "/breaks-second-day.html":
            return _missing() if self.day == 2 else _page("ok")
        return _missing()

    def _links(self, templates: tuple[str, ...]) -> list[str]:
        return [t.format(site="", **self.bases) for t in templates]

    def _home(self) -> Response:
        if self.home_state == "error":
            return _missing(503)
        if self.home_state == "slow":
            time.sleep(SLOW_SECONDS)
        latest = [
            (f"最新信息{n}", self.today - dt.timedelta(days=age))
            for n, age in enumerate((HOME_NEWEST_AGE, 15, 40), 1)
        ]
        rows = [_item(f"/art/home/{n}.html", title, day) for n, (title, day) in enumerate(latest)]
        columns = [f'<li><a href="/col/{c.key}/index.html">{c.name}</a></li>' for c in COLUMNS]
        links = "".join(f'<a href="{u}">链接</a> ' for u in self._links(HOME_LINKS))
        body = (
            f'<div class="today">今天是{self.today:%Y年%m月%d日}</div>'
            '<img src="/images/logo.png"><img src="/images/banner-missing.png">'
            f'<ul class="nav">{"".join(columns)}</ul>'
            f'<ul class="latest">{"".join(rows)}</ul>'
            f'<div class="links">{links}</div>'
            f"<footer>© {self.today.year} 示例市人民政府</footer>"
        )
        return _page(body, "示例市人民政府")

    def _column(self, column: SampleColumn) -> Response:
        rows = [
            _item(f"/art/{column.key}/{n}.html", title, day)
            for n, (title, day) in enumerate(self.items(column))
        ]
        links = "".join(f'<a href="{u}">附件</a> ' for u in self._links(column.links))
        body = f'<h1>{column.name}</h1><ul class="list">{"".join(rows)}</ul><p>{links}</p>'
        return _page(body, column.name)

    def _article(self, path: str) -> Response:
        _, _, key, name = path.split("/")
        number = int(name.removesuffix(".html"))
        column = next((c for c in COLUMNS if c.key == key), None)
        if column is None:
            day = self.today - dt.timedelta(days=(HOME_NEWEST_AGE, 15, 40)[number % 3])
            title = f"最新信息{number + 1}"
        else:
            entries = self.items(column)
            if number >= len(entries):
                return _missing()
            title, day = entries[number]
        head = (
            f'<meta name="ArticleTitle" content="{escape(title)}">'
            f'<meta name="PubDate" content="{day:%Y-%m-%d} 09:00">'
            '<meta name="ContentSource" content="示例市人民政府办公室">'
        )
        body = post_body(key, number)  # planted miswritings: samplesites.wording
        return _page(f"<h1>{escape(title)}</h1>{body}", title, head)


class ObjectStorage:
    """The site's object storage (对象存储): attachments on another host that is the site's."""

    def __call__(self, request: Request) -> Response:
        if request.path == "/bucket/guide.pdf":
            return Response(200, b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")
        return _missing()


class ExternalSite:
    """Another site the sample links to: working, slow, gone, HEAD-refusing, robots-forbidden."""

    def __init__(self, slow_seconds: float = 1.5) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[str, str]] = []
        self.in_flight = self.max_in_flight = 0
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        """Answer, counting how many requests this host is serving at once (politeness)."""
        with self._lock:
            self.requests.append((request.method, request.path))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return self._answer(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, request: Request) -> Response:
        if request.path == "/robots.txt":
            return Response(200, b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        if request.path == "/ok.html":
            return _page("ok")
        if request.path == "/slow.html":
            time.sleep(self.slow_seconds)
            return _page("slow but there")
        if request.path == "/head-refused.html":
            return _missing(405) if request.method == "HEAD" else _page("GET only")
        return _missing()


def _item(href: str, title: str, day: dt.date) -> str:
    return (
        f'<li><a href="{href}" title="{escape(title)}">{escape(title)}</a><span>{day}</span></li>'
    )


def _page(body: str, title: str = "", head: str = "") -> Response:
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{head}</head><body>{body}</body></html>"
    )
    return Response(200, html.encode("utf-8"))


def _missing(status: int = 404) -> Response:
    return Response(status, b"<html><body>not found</body></html>")
