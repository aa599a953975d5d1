"""A sample portal on Hanweb's JPaaS platform, with one classic jpage column, and its truth.

``SampleJpaasPortal(year=2012, seed=7, **knobs)`` generates a year of department posts and
serves, as a ``samplesites.server`` handler:

- ``/`` (and ``/index.html``): a navigation bar of the three columns, and a link to a page that
  is not a list (``/col/col9/index.html``, 网站介绍);
- JPaaS columns ``/col/col1229/index.html`` (部门动态) and ``/col/col1230/index.html`` (县市区
  动态): the first page rendered, a pager with ``count``/``rows``/``pageNo``/``queryData``;
  later pages from ``GET /api-gateway/jpaas-publish-server/front/page/build/unit``. The first
  column reads ``pageNo``; the second reads only ``paramJson`` (and answers page 1 to
  ``pageNo``), as some deployments do;
- a classic jpage column ``/col/col1231/index.html`` (通知公告): the first 45 records in a
  ``<datastore>``, the unit in ``var param_4123 = {…}`` and ``proxyUrl`` on
  ``/module/jpage/dataproxy.jsp`` (``/module/web/jpage/`` answers 404). The proxy wants the
  page's form fields, repeats the previous group's last record at the head of each group, and
  caps a reply at 300 records;
- articles ``/art/Y/M/D/art_{column}_{id}.html`` with the standard metadata tags.

``.truth`` counts unique posts per (department short name, 'YYYY-MM'); ``.column_totals`` the
records each column announces. Knobs: ``departments`` (the first N of the registry),
``months``, ``lost_records`` (the jpage proxy silently leaves out that many records while
announcing them all: the column must come back incomplete, with the numbers), ``proxy_cap``
(records one proxy reply holds at most, whatever was asked; 300 by default).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from dataclasses import dataclass

from db.registry import load_registry
from samplesites.pages import jpaas as pages
from samplesites.pages.portal import detail_meta
from samplesites.portal import QUOTA, SHANGHAI
from samplesites.server import Request, Response

JPAAS_COLUMNS = {1229: "部门动态", 1230: "县市区动态"}
PARAM_JSON_COLUMNS = {1230}
JPAGE_COLUMN, JPAGE_NAME, JPAGE_UNIT = 1231, "通知公告", 4123
PROXY_PATH = "/module/jpage/dataproxy.jsp"
WRONG_PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
ABOUT_PATH = "/col/col9/index.html"
WEB_ID, TPL_SET_ID, TAG_ID = "3185", "a91b7f3c5d2e4c0f8e6b", "信息列表"
ROWS, EMBEDDED, PROXY_CAP = 15, 45, 300
OUTSIDE_SOURCES = ("新华社", "浙江日报")
_ART = re.compile(r"^/art/\d+/\d+/\d+/art_(\d+)_(\d+)\.html$")
_COLUMN = re.compile(r"^/col/col(\d+)/(?:index\.html)?$")


@dataclass(frozen=True)
class JpaasPost:
    id: int
    column: int
    title: str
    published: dt.datetime
    source: str
    department: str | None

    @property
    def path(self) -> str:
        when = self.published
        return f"/art/{when.year}/{when.month}/{when.day}/art_{self.column}_{self.id}.html"


def _page_id(column: int) -> str:
    return f"{column:04d}e5c6d1b24f7f9a0c3e2b"


class SampleJpaasPortal:
    """The sample JPaaS portal (see the module docstring)."""

    def __init__(
        self,
        year: int = 2012,
        seed: int = 7,
        *,
        departments: int = 12,
        months: int = 12,
        lost_records: int = 0,
        proxy_cap: int = PROXY_CAP,
    ) -> None:
        rng = random.Random(seed)
        units = [u for u in load_registry().units if u.kind == "department"][:departments]
        self.year, self.lost_records, self.proxy_cap = year, lost_records, proxy_cap
        self.posts: list[JpaasPost] = []
        columns = [*JPAAS_COLUMNS, JPAGE_COLUMN]
        for month in range(1, months + 1):
            for unit in units:
                quota = QUOTA[unit.tier or 3]
                for _ in range(rng.choice([0, quota // 3, quota // 2, quota // 2 + 1])):
                    self._add(rng, rng.choice(columns), month, unit.short_name, unit.all_names())
            self._add(rng, 1229, month, None, OUTSIDE_SOURCES)
        self.lists = {
            column: sorted(
                (p for p in self.posts if p.column == column),
                key=lambda p: (p.published, p.id),
                reverse=True,
            )
            for column in columns
        }
        self.by_path = {p.path: p for p in self.posts}
        self.requests: Counter[str] = Counter()

    def _add(
        self,
        rng: random.Random,
        column: int,
        month: int,
        department: str | None,
        names: tuple[str, ...],
    ) -> None:
        when = dt.datetime(
            self.year,
            month,
            rng.randint(1, 28),
            rng.randint(8, 18),
            rng.randint(0, 59),
            tzinfo=SHANGHAI,
        )
        source = rng.choice(names)
        post_id = 5000 + len(self.posts)
        title = f"{source}{rng.choice(['召开', '部署', '推进'])}重点工作（第{post_id}期）"
        self.posts.append(JpaasPost(post_id, column, title, when, source, department))

    @property
    def truth(self) -> Counter[tuple[str, str]]:
        """Unique posts per (department short name, 'YYYY-MM' in Asia/Shanghai)."""
        return Counter(
            (p.department, p.published.strftime("%Y-%m")) for p in self.posts if p.department
        )

    @property
    def column_totals(self) -> dict[int, int]:
        return {column: len(posts) for column, posts in self.lists.items()}

    # ------------------------------------------------------------------ serving
    def __call__(self, request: Request) -> Response:
        path = request.path
        self.requests[path.split("?")[0]] += 1
        if path in ("/", "/index.html"):
            columns = [(f"/col/col{c}/index.html", n) for c, n in JPAAS_COLUMNS.items()]
            columns.append((f"/col/col{JPAGE_COLUMN}/index.html", JPAGE_NAME))
            return _html(pages.home(columns, [(ABOUT_PATH, "网站介绍")]))
        if path == ABOUT_PATH:
            return _html(pages.about())
        if (match := _COLUMN.match(path)) and int(match.group(1)) in self.lists:
            return self._column(int(match.group(1)))
        if path == pages.UNIT_PATH:
            return self._unit(request)
        if path == PROXY_PATH:
            return self._proxy(request)
        if (post := self.by_path.get(path)) is not None:
            name = JPAAS_COLUMNS.get(post.column, JPAGE_NAME)
            return _html(detail_meta(post.title, post.published, post.source, name))
        return Response(404, b"<html><body>404 Not Found</body></html>")

    def _item(self, post: JpaasPost) -> tuple[str, str, str]:
        return post.path, post.title, f"{post.published:%Y-%m-%d}"

    def _query(self, column: int) -> dict[str, str]:
        return {
            "webId": WEB_ID,
            "pageId": _page_id(column),
            "tagId": TAG_ID,
            "tplSetId": TPL_SET_ID,
        }

    def _column(self, column: int) -> Response:
        posts = self.lists[column]
        if column == JPAGE_COLUMN:
            records = [pages.jpage_record(*self._item(p)) for p in posts[:EMBEDDED]]
            html = pages.jpage_column(
                JPAGE_NAME, column, JPAGE_UNIT, records, len(posts), PROXY_PATH
            )
            return _html(html)
        items = [self._item(p) for p in posts[:ROWS]]
        query = self._query(column)
        return _html(pages.jpaas_column(JPAAS_COLUMNS[column], items, len(posts), ROWS, query))

    def _unit(self, request: Request) -> Response:
        query = {k: v[0] for k, v in request.query.items()}
        column = next((c for c in JPAAS_COLUMNS if _page_id(c) == query.get("pageId")), None)
        if column is None or query.get("webId") != WEB_ID or query.get("tagId") != TAG_ID:
            return _json(pages.jpaas_unit_error("页面单元不存在"))
        rows = int(query.get("rows") or ROWS)
        page = 1
        if column in PARAM_JSON_COLUMNS:
            try:
                param = json.loads(query.get("paramJson") or "{}")
                page, rows = int(param.get("pageNo", 1)), int(param.get("pageSize", rows))
            except (ValueError, AttributeError):
                return _json(pages.jpaas_unit_error("paramJson 格式错误"))
        else:
            page = int(query.get("pageNo") or 1)
        posts = self.lists[column]
        chunk = [self._item(p) for p in posts[(page - 1) * rows : page * rows]]
        reply = pages.jpaas_unit_reply(chunk, len(posts), rows, page, self._query(column))
        return _json(reply)

    def _proxy(self, request: Request) -> Response:
        form = {k: v[0] for k, v in {**request.query, **request.form}.items()}
        if form.get("columnid") != str(JPAGE_COLUMN) or form.get("unitid") != str(JPAGE_UNIT):
            return _xml("<datastore><totalrecord>0</totalrecord></datastore>")
        posts = self.lists[JPAGE_COLUMN]
        # The lost records sit in the middle of what the proxy serves, past the column page.
        lost_from = EMBEDDED + max(0, len(posts) - EMBEDDED) // 2
        served = [p for i, p in enumerate(posts) if not 0 <= i - lost_from < self.lost_records]
        perpage = int(form.get("perpage", 15))
        if "startrecord" in form:
            start = int(form["startrecord"])
            end = min(int(form.get("endrecord", start)), start + self.proxy_cap - 1)
            # The group repeats the previous group's last record first.
            chunk = served[max(0, start - 2) : end] if start > 1 else served[:end]
        else:
            page = int(form.get("page", 1))
            chunk = served[(page - 1) * perpage : page * perpage]
        records = [pages.jpage_record(*self._item(p)) for p in chunk]
        return _xml(pages.jpage_reply(records, len(posts), perpage))


def _html(text: str) -> Response:
    return Response(200, text.encode("utf-8"))


def _json(text: str) -> Response:
    return Response(200, text.encode("utf-8"), content_type="application/json;charset=UTF-8")


def _xml(text: str) -> Response:
    return Response(200, text.encode("utf-8"), content_type="text/xml;charset=UTF-8")
