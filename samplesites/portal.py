"""A deterministic sample of the city portal 中国绍兴, with known truth, for tests and demos.

``SamplePortal(year=2012, seed=2012, **knobs)`` generates a year of posts from the department
registry: each department and month gets a number of posts around its quota (档 12/5/2: some
months over, some under, some none), with its source written in one of its registry names.
Extra items come from outside sources (新华社, 浙江日报: counted for nobody) and from names that
match no department (for the review queue). The site serves, as a ``samplesites.server``
handler:

- Hanweb JCMS jpage columns ``/col/col1229/index.html`` (部门动态) and ``/col/col1231/``
  (图片新闻: some 部门动态 posts again, under another URL) with ``<datastore>`` records and
  ``POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=`` paging;
  articles at ``/art/Y/M/D/art_C_A.html``, UTF-8, half with metadata tags and half text-only
  (some of those with broken HTML);
- a TRS static column ``/zwgk/bmdt/index.html``, ``index_1.html``… served GBK with the charset
  only in ``<meta>``, details ``/zwgk/bmdt/YYYYMM/tYYYYMMDD_A.html``;
- one post pinned to the top of 部门动态 and so listed twice.

``.truth`` is a Counter of unique counted posts per (department short name, 'YYYY-MM').
Knobs: ``months`` (1-12), ``departments`` (use only the first N, mixed tiers), ``scale``
(multiply the monthly counts: 4.5 gives > 20,000 posts), ``boundary_posts`` (23:59 on Jan 31 and
00:01 on Feb 1), ``transient_503_every`` (every k-th path answers 503 once),
``challenge`` (every request gets an HTTP 521 anti-bot challenge), ``dead_articles`` (that many
listed posts whose article page is gone, in turn: 404, 410, a soft-404 page with status 200,
a 302 to the site's error page ``/error/404.html``; they count for nobody in ``.truth``, are
listed in ``.dead`` and come back with ``revive(post)``). ``add_posts(n)`` publishes
new posts (for incremental crawls), ``publish(when, unit)`` one post of a given unit dated
``when`` (an old date makes it a backdated post, listed deep); ``.requests`` counts what was
asked, by kind.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from db.registry import UnitEntry, load_registry
from samplesites.pages import portal as pages
from samplesites.server import Request, Response

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUOTA = {1: 12, 2: 5, 3: 2}
OUTSIDE_SOURCES = ("新华社", "浙江日报", "绍兴日报")
UNRESOLVED_SOURCES = ("绍兴市城市发展研究会", "市某某协会", "镜湖新区管委会筹备组")
JPAGE_COLUMNS = {"bmdt": (1229, "部门动态"), "tpxw": (1231, "图片新闻")}
TRS_BASE, TRS_NAME = "/zwgk/bmdt/", "政务动态"
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
EMBEDDED, PERPAGE, TRS_PERPAGE = 45, 15, 20
_ART = re.compile(r"^/art/\d+/\d+/\d+/art_(\d+)_(\d+)\.html$")
_TRS_ART = re.compile(r"^/zwgk/bmdt/\d{6}/t\d{8}_(\d+)\.html$")
_TRS_LIST = re.compile(r"^/zwgk/bmdt/(?:index(?:_(\d+))?\.html)?$")
DEAD_KINDS = ("404", "410", "soft404", "redirect")
ERROR_PAGE = "/error/404.html"
_COLUMN = re.compile(r"^/col/col(\d+)/(?:index\.html)?$")


@dataclass
class SamplePost:
    id: int
    column: str  # "bmdt" (jpage) or "trs"
    title: str
    published: dt.datetime  # aware, Asia/Shanghai
    source: str
    department: str | None  # short name it counts for; None: outside or unresolved
    layout: str  # "meta", "text", "broken" or "gbk"
    also_in: list[str] = field(default_factory=list)

    def path(self, column: str | None = None) -> str:
        if self.column == "trs":
            return pages.trs_path(TRS_BASE, self.id, self.published)
        return pages.art_path(JPAGE_COLUMNS[column or self.column][0], self.id, self.published)


class SamplePortal:
    """The sample portal (see the module docstring)."""

    def __init__(
        self,
        year: int = 2012,
        seed: int = 2012,
        *,
        months: int = 12,
        departments: int | None = None,
        scale: float = 1.0,
        boundary_posts: bool = True,
        transient_503_every: int = 0,
        challenge: bool = False,
        dead_articles: int = 0,
    ) -> None:
        self.year, self.rng = year, random.Random(seed)
        units = [u for u in load_registry().units if u.kind == "department"]
        if departments is not None:
            units = sorted(units, key=lambda u: (units.index(u) % 3, units.index(u)))[:departments]
        self.units = units
        self.transient_503_every = transient_503_every
        self.challenge = challenge
        self.requests: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.posts: list[SamplePost] = []
        self._next_id = 1000
        for month in range(1, months + 1):
            for unit in units:
                quota = QUOTA[unit.tier or 3]
                base = self.rng.choice(
                    [0, quota // 2, quota - 1, quota, quota, quota + 1, quota + 3]
                )
                for _ in range(round(base * scale)):
                    self._add(unit, self._moment(month))
            for _ in range(max(1, round(len(units) * scale / 10))):
                self._add(None, self._moment(month), self.rng.choice(OUTSIDE_SOURCES))
            self._add(None, self._moment(month), self.rng.choice(UNRESOLVED_SOURCES))
        if boundary_posts and months >= 2:
            self._add(units[0], dt.datetime(year, 1, 31, 23, 59, tzinfo=SHANGHAI))
            self._add(units[0], dt.datetime(year, 2, 1, 0, 1, tzinfo=SHANGHAI))
        jpage_posts = [p for p in self.posts if p.column == "bmdt" and p.department]
        for post in self.rng.sample(jpage_posts, k=max(1, len(jpage_posts) // 20)):
            post.also_in.append("tpxw")
        self.pinned = max(jpage_posts, key=lambda p: p.published) if jpage_posts else None
        self.dead: dict[int, str] = {}  # post id -> how its page is gone
        if dead_articles:
            alive = [p for p in self.posts if p is not self.pinned and not p.also_in]
            picked = random.Random(seed + 1).sample(alive, k=dead_articles)
            for index, post in enumerate(picked):
                self.dead[post.id] = DEAD_KINDS[index % len(DEAD_KINDS)]
        self._index()

    # ------------------------------------------------------------------ generation
    def _moment(self, month: int) -> dt.datetime:
        day = self.rng.randint(1, 28)
        return dt.datetime(
            self.year, month, day, self.rng.randint(8, 18), self.rng.randint(0, 59), tzinfo=SHANGHAI
        )

    def _add(
        self, unit: UnitEntry | None, when: dt.datetime, source: str | None = None
    ) -> SamplePost:
        self._next_id += 1
        column = "trs" if self.rng.random() < 0.25 else "bmdt"
        layout = "gbk" if column == "trs" else self.rng.choice(["meta", "meta", "text", "broken"])
        if unit is not None:
            source = self.rng.choice(unit.all_names())
        subject = self.rng.choice(["召开", "部署", "开展", "推进", "举行"])
        topic = self.rng.choice(
            ["安全生产检查", "作风建设", "信息公开培训", "民生实事", "专题调研"]
        )
        title = f"{source}{subject}{topic}工作（第{self._next_id}期）"
        post = SamplePost(
            self._next_id,
            column,
            title,
            when,
            source or "",
            unit.short_name if unit else None,
            layout,
        )
        self.posts.append(post)
        return post

    def add_posts(self, n: int, published: dt.datetime | None = None) -> list[SamplePost]:
        """Publish ``n`` new 部门动态 posts now (or dated ``published``: a backdated post)."""
        with self._lock:
            added = []
            now = published or dt.datetime.now(SHANGHAI).replace(second=0, microsecond=0)
            for i in range(n):
                unit = self.units[i % len(self.units)]
                post = self._add(unit, now - dt.timedelta(minutes=i))
                post.column, post.layout = "bmdt", "meta"
                added.append(post)
            self._index()
            return added

    def publish(self, published: dt.datetime, unit: int = 0) -> SamplePost:
        """Publish one 部门动态 post of ``self.units[unit]`` dated ``published``, from now on."""
        with self._lock:
            post = self._add(self.units[unit % len(self.units)], published)
            post.column, post.layout = "bmdt", "meta"
            self._index()
            return post

    def _index(self) -> None:
        newest_first = sorted(self.posts, key=lambda p: (p.published, p.id), reverse=True)
        self.by_id = {p.id: p for p in self.posts}
        self.lists = {
            "bmdt": [p for p in newest_first if p.column == "bmdt"],
            "tpxw": [p for p in newest_first if "tpxw" in p.also_in],
            "trs": [p for p in newest_first if p.column == "trs"],
        }

    @property
    def truth(self) -> Counter[tuple[str, str]]:
        """Unique counted posts per (department short name, 'YYYY-MM' in Asia/Shanghai)."""
        return Counter(
            (p.department, p.published.astimezone(SHANGHAI).strftime("%Y-%m"))
            for p in self.posts
            if p.department and p.id not in self.dead
        )

    def revive(self, post_id: int) -> None:
        """The page of a dead post comes back (the site restored it)."""
        with self._lock:
            self.dead.pop(post_id, None)

    # ------------------------------------------------------------------ serving
    def __call__(self, request: Request) -> Response:
        with self._lock:
            self._attempts[request.path] += 1
            attempt = self._attempts[request.path]
            self.requests[self._kind(request.path)] += 1
        if self.challenge:
            return Response(
                521,
                pages.challenge_page().encode(),
                headers={"Set-Cookie": "__jsluid_h=0123456789abcdef; max-age=31536000; path=/"},
            )
        every = self.transient_503_every
        if every and attempt == 1 and zlib.crc32(request.path.encode()) % every == 0:
            return Response(503, b"<html><body>Service Unavailable</body></html>")
        return self._page(request)

    @staticmethod
    def _kind(path: str) -> str:
        if path.startswith(("/col/", PROXY_PATH)) or _TRS_LIST.match(path):
            return "list"
        if _ART.match(path) or _TRS_ART.match(path):
            return "detail"
        return "other"

    def _items(self, column: str, posts: list[SamplePost]) -> list[str]:
        return [pages.list_item(p.path(column), p.title, p.published) for p in posts]

    def _bmdt(self, column: str) -> list[SamplePost]:
        listed = self.lists[column]
        if column == "bmdt" and self.pinned is not None:
            return [self.pinned, *listed]  # 置顶: the pinned post is listed twice
        return listed

    def _page(self, request: Request) -> Response:
        path = request.path
        if match := _COLUMN.match(path):
            column = next(
                (k for k, v in JPAGE_COLUMNS.items() if v[0] == int(match.group(1))), None
            )
            if column is None:
                return Response(404, b"not found")
            posts = self._bmdt(column)
            html = pages.jpage_column(
                JPAGE_COLUMNS[column][0], JPAGE_COLUMNS[column][1],
                self._items(column, posts[:EMBEDDED]), len(posts), PROXY_PATH,
            )  # fmt: skip
            return Response(body=html.encode("utf-8"))
        if path == PROXY_PATH:
            return self._proxy(request)
        if match := _TRS_LIST.match(path):
            index = int(match.group(1) or 0)
            posts = self.lists["trs"]
            count = max(1, -(-len(posts) // TRS_PERPAGE))
            chunk = posts[index * TRS_PERPAGE : (index + 1) * TRS_PERPAGE]
            if index >= count:
                return Response(404, b"not found")
            html = pages.trs_list(TRS_NAME, self._items("trs", chunk), count, index)
            return Response(body=html.encode("gbk"), content_type="text/html")
        return self._detail(path)

    def _proxy(self, request: Request) -> Response:
        form = {k: v[0] for k, v in {**request.query, **request.form}.items()}
        column = next(
            (k for k, v in JPAGE_COLUMNS.items() if str(v[0]) == form.get("columnid")), None
        )
        if column is None:
            return Response(200, b"<datastore></datastore>", content_type="text/xml")
        perpage = int(form.get("perpage", PERPAGE))
        if "startrecord" in form:
            start, end = int(form["startrecord"]), int(form.get("endrecord", 0))
        else:
            page = int(form.get("page", 1))
            start, end = (page - 1) * perpage + 1, page * perpage
        posts = self._bmdt(column)
        chunk = self._items(column, posts[start - 1 : end])
        body = pages.jpage_proxy_reply(chunk, len(posts), perpage)
        return Response(body=body.encode("utf-8"), content_type="text/xml;charset=UTF-8")

    def _detail(self, path: str) -> Response:
        post, column = None, None
        if match := _ART.match(path):
            column = next(
                (k for k, v in JPAGE_COLUMNS.items() if v[0] == int(match.group(1))), None
            )
            post = self.by_id.get(int(match.group(2)))
            if post is not None and (post.column != "bmdt" or post.path(column) != path):
                post = None
        elif match := _TRS_ART.match(path):
            post = self.by_id.get(int(match.group(1)))
            if post is not None and post.path() != path:
                post = None
        if path == ERROR_PAGE:
            return Response(200, pages.error_page().encode("utf-8"))
        if post is None:
            return Response(404, b"<html><body>404</body></html>")
        dead = self.dead.get(post.id)
        if dead == "404":
            return Response(404, pages.error_page().encode("utf-8"))
        if dead == "410":
            return Response(410, b"<html><body>Gone</body></html>")
        if dead == "soft404":
            return Response(200, pages.error_page().encode("utf-8"))
        if dead == "redirect":
            return Response(302, b"", headers={"Location": ERROR_PAGE})
        if post.layout == "gbk":
            html = pages.detail_gbk(post.title, post.published, post.source)
            return Response(body=html.encode("gbk"), content_type="text/html")
        if post.layout == "meta":
            name = JPAGE_COLUMNS[column or "bmdt"][1]
            html = pages.detail_meta(post.title, post.published, post.source, name)
        else:
            html = pages.detail_text(
                post.title, post.published, post.source, post.layout == "broken"
            )
        return Response(body=html.encode("utf-8"))
