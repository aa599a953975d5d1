"""A sample government information disclosure platform (政府信息公开) served on 127.0.0.1.

Generated deterministically from the department registry and a seed: each city department has a
document list, most as TRS static pages (``/col/<code>/index.html``, ``index_1.html``… with
``createPageHTML``), every fourth as a Hanweb 信息公开 list (``POST /module/xxgk/search.jsp`` with
``currpage``; its catalogue page ``/col/<code>/index.html`` holds the form). Detail pages carry
a metadata table whose labels, date styles and 文号 brackets vary by department and document;
some departments' pages are GBK. Most documents are published on time, some late (also across
the 2012 Spring Festival and National Day holidays), a few numbers of each series are never
published: they are in ``register_csv()`` only, some with a ``explanations_csv()`` entry, some
classified. ``.truth`` says what a correct crawl finds. ``dead_documents=N`` makes N numbered
documents in the middle of their series listed with a page that is gone (in turn 404, 410, a
soft-404 page with status 200, a 302 to the error page): ``.dead`` maps their paths to how; they
stay in ``.truth`` and the register as published.

    with serving(SampleDisclosure()) as server:
        ...  # scrapy crawl disclosure -a site=samplesites/sample-disclosure.toml \\
        #        -a base_url=<server.url>
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
from dataclasses import dataclass
from typing import Any

from db.registry import load_registry
from db.workdays import WorkdayCalendar, default_calendar
from samplesites.server import Request, Response

BRACKETS = ("〔〕", "[]", "【】", "()", "（）", "［］")
# Per style: labels of (index number, issuer, signed, published, number, validity).
LABEL_STYLES = (
    ("索 引 号", "发布机构", "生成日期", "发布日期", "文 号", "有效性"),
    ("索引号", "发布机构", "成文日期", "公开日期", "发文字号", "有效性"),
    ("索引号：", "发布机构：", "发文日期：", "发布日期：", "文号：", "有 效 性："),
)
DATE_STYLES = (
    "{d:%Y-%m-%d}",
    "{d.year}年{d.month:02d}月{d.day:02d}日",
    "{d:%Y-%m-%d} 09:{m:02d}:00",
)
# Signing days that put the 5-working-day window across a holiday.
HOLIDAY_SIGNINGS = (
    dt.date(2012, 1, 19),
    dt.date(2012, 1, 20),
    dt.date(2012, 9, 27),
    dt.date(2012, 9, 28),
    dt.date(2012, 10, 3),
)
NO_NUMBER_SPELLINGS = ("", "无")
DEAD_KINDS = ("404", "410", "soft404", "redirect")
ERROR_PAGE = "/error.html"
ERROR_HTML = (
    "<html><head><meta charset='utf-8'><title>提示</title></head><body>"
    "<div class='error'>对不起，您访问的页面不存在！<a href='/'>返回首页</a></div></body></html>"
)


@dataclass(frozen=True)
class TruthDocument:
    """A published document as a correct crawl must store it."""

    department: str
    doc_number: str | None
    doc_number_key: str | None
    seq: int | None
    title: str
    signed_on: dt.date
    published_on: dt.date
    expected_lag: int
    path: str
    list_kind: str


@dataclass(frozen=True)
class RegisterEntry:
    """A row of a department's register of signed documents (发文登记)."""

    department: str
    doc_number: str
    doc_number_key: str
    seq: int
    title: str
    signed_on: dt.date
    status: str  # published | missing | explained | classified


@dataclass(frozen=True)
class SampleDepartment:
    code: str
    short_name: str
    full_name: str
    names: tuple[str, ...]
    prefix: str
    list_kind: str  # trs | xxgk
    label_style: int
    encoding: str


class SampleDisclosure:
    """The sample platform; call it with a :class:`Request` (a samplesites.server handler)."""

    def __init__(
        self,
        year: int = 2012,
        seed: int = 2012,
        *,
        documents_per_department: tuple[int, int] = (4, 9),
        page_size: int = 5,
        late_share: float = 0.15,
        unpublished_share: float = 0.12,
        no_number_share: float = 0.08,
        xxgk_every: int = 4,
        gbk_every: int = 5,
        calendar: WorkdayCalendar | None = None,
        dead_documents: int = 0,
    ) -> None:
        self.year = year
        self.page_size = page_size
        self._rng = random.Random(seed)
        self._calendar = calendar or default_calendar()
        self.departments: list[SampleDepartment] = []
        self.truth: list[TruthDocument] = []
        self.register: list[RegisterEntry] = []
        self._pages: dict[str, tuple[str, str]] = {}  # path -> (html, encoding)
        self._lists: dict[str, list[TruthDocument]] = {}
        self._prefixes: set[str] = set()
        units = [u for u in load_registry().units if u.kind == "department"]
        for index, unit in enumerate(units, 1):
            department = SampleDepartment(
                code=f"{index:03d}",
                short_name=unit.short_name,
                full_name=unit.full_name,
                names=unit.all_names(),
                prefix=self._prefix(unit.short_name, index),
                list_kind="xxgk" if xxgk_every and index % xxgk_every == 0 else "trs",
                label_style=index % len(LABEL_STYLES),
                encoding="gbk" if gbk_every and index % gbk_every == 0 else "utf-8",
            )
            self.departments.append(department)
            low, high = documents_per_department
            self._generate(
                department,
                self._rng.randint(low, high),
                late_share,
                unpublished_share,
                no_number_share,
            )
        self.dead: dict[str, str] = {}  # path -> how its page is gone
        if dead_documents:
            middle = [
                d for d in self.truth
                if d.seq is not None and any(
                    o.department == d.department and o.seq is not None and o.seq > d.seq
                    for o in self.truth
                ) and d.seq > 1
            ]  # fmt: skip
            picked = random.Random(seed + 1).sample(middle, k=dead_documents)
            for index, doc in enumerate(sorted(picked, key=lambda d: d.path)):
                self.dead[doc.path] = DEAD_KINDS[index % len(DEAD_KINDS)]

    # ------------------------------------------------------------------ generation
    def _prefix(self, short_name: str, index: int) -> str:
        """Return the department's 文号 prefix, e.g. 市发改委 -> 绍市发改 (unique per site)."""
        core = short_name.removeprefix("市").rstrip("局委办会") or short_name
        prefix = f"绍市{core}"
        if prefix in self._prefixes:
            prefix = f"{prefix}{index}"
        self._prefixes.add(prefix)
        return prefix

    def _signing_day(self, seq: int, count: int) -> dt.date:
        if self._rng.random() < 0.2:
            return self._rng.choice(HOLIDAY_SIGNINGS).replace(year=self.year)
        # Spread over the whole year in series order (the last ones in late December, published
        # in January), weekends included now and then.
        start = dt.date(self.year, 1, 4)
        span = 350 * (seq - 1) // max(1, count - 1)
        return start + dt.timedelta(days=span + self._rng.randint(0, 6))

    def _generate(
        self, dept: SampleDepartment, count: int, late: float, unpublished: float, no_number: float
    ) -> None:
        documents: list[TruthDocument] = []
        for seq in range(1, count + 1):
            signed = self._signing_day(seq, count)
            opening, closing = self._rng.choice(BRACKETS)
            number = f"{dept.prefix}{opening}{self.year}{closing}{seq}号"
            key = f"{dept.prefix}〔{self.year}〕{seq}号"
            title = f"{dept.full_name}关于{self._rng.choice(TOPICS)}的通知（{seq}）"
            roll = self._rng.random()
            if 1 < seq < count and roll < unpublished:
                status = ("missing", "explained", "classified")[seq % 3]
                self.register.append(
                    RegisterEntry(dept.short_name, number, key, seq, title, signed, status)
                )
                continue
            lag = self._rng.randint(6, 15) if self._rng.random() < late else self._rng.randint(0, 5)
            published = self._calendar.add_working_days(signed, lag)
            documents.append(self._document(dept, number, key, seq, title, signed, published, lag))
            self.register.append(
                RegisterEntry(dept.short_name, number, key, seq, title, signed, "published")
            )
        for extra in range(int(count * no_number + self._rng.random())):
            signed = dt.date(self.year, 3, 1) + dt.timedelta(days=self._rng.randint(0, 270))
            lag = self._rng.randint(0, 7)
            published = self._calendar.add_working_days(signed, lag)
            title = f"{dept.full_name}{self._rng.choice(TOPICS)}工作简报（{extra + 1}）"
            no_number_text = NO_NUMBER_SPELLINGS[extra % 2]
            documents.append(
                self._document(dept, no_number_text, None, None, title, signed, published, lag)
            )
        documents.sort(key=lambda d: (d.published_on, d.path), reverse=True)
        self._lists[dept.code] = documents
        self.truth.extend(documents)

    def _document(
        self,
        dept: SampleDepartment,
        number: str,
        key: str | None,
        seq: int | None,
        title: str,
        signed: dt.date,
        published: dt.date,
        lag: int,
    ) -> TruthDocument:
        serial = len(self._pages) + 1
        path = f"/art/{published:%Y/%m/%d}/art_{dept.code}_{serial}.html"
        truth = TruthDocument(
            department=dept.short_name,
            doc_number=number or None,
            doc_number_key=key,
            seq=seq,
            title=title,
            signed_on=signed,
            published_on=published,
            expected_lag=lag,
            path=path,
            list_kind=dept.list_kind,
        )
        self._pages[path] = (self._detail_html(dept, truth, number, serial), dept.encoding)
        return truth

    def _detail_html(
        self, dept: SampleDepartment, doc: TruthDocument, number: str, serial: int
    ) -> str:
        labels = LABEL_STYLES[dept.label_style]
        date_style = DATE_STYLES[serial % len(DATE_STYLES)]
        issuer = dept.names[serial % len(dept.names)]
        values = (
            f"002{dept.code}-{doc.published_on.year}-{serial:05d}",
            issuer,
            date_style.format(d=doc.signed_on, m=serial % 60),
            date_style.format(d=doc.published_on, m=(serial * 7) % 60),
            number,
            "有效",
        )
        rows = "".join(
            f"<tr><td class='label'>{html.escape(label)}</td><td>{html.escape(value)}</td></tr>"
            for label, value in zip(labels, values, strict=True)
        )
        charset = "GBK" if dept.encoding == "gbk" else "UTF-8"
        return (
            f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{html.escape(doc.title)}</title></head><body>"
            f"<table class='xxgk_table'>{rows}</table>"
            f"<h1 class='title'>{html.escape(doc.title)}</h1>"
            f"<div class='content'><p>各有关单位：现将有关事项通知如下。</p></div></body></html>"
        )

    # ------------------------------------------------------------------ serving
    def __call__(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.html"):
            return self._html(self._home())
        if path == "/module/xxgk/search.jsp":
            if request.method != "POST":
                return Response(405, b"POST only")
            return self._xxgk(request.form)
        if path.startswith("/col/"):
            parts = path.split("/")
            if len(parts) == 4 and parts[2] in self._lists:
                page = _trs_page_number(parts[3])
                dept = self._department(parts[2])
                if page is not None and dept.list_kind == "trs":
                    return self._trs(dept, page)
                if page == 0:
                    return self._html(self._catalogue(dept))
        if path == ERROR_PAGE:
            return Response(200, ERROR_HTML.encode("utf-8"))
        dead = self.dead.get(path)
        if dead == "404":
            return Response(404, ERROR_HTML.encode("utf-8"))
        if dead == "410":
            return Response(410, b"<html><body>Gone</body></html>")
        if dead == "soft404":
            return Response(200, ERROR_HTML.encode("utf-8"))
        if dead == "redirect":
            return Response(302, b"", headers={"Location": ERROR_PAGE})
        if path in self._pages:
            text, encoding = self._pages[path]
            return Response(
                200, text.encode(encoding), content_type=f"text/html; charset={encoding}"
            )
        return Response(404, b"<html><body>404 Not Found</body></html>")

    def _html(self, text: str) -> Response:
        return Response(200, text.encode("utf-8"))

    def _department(self, code: str) -> SampleDepartment:
        return next(d for d in self.departments if d.code == code)

    def _home(self) -> str:
        links = "".join(
            f"<li><a href='/col/{d.code}/index.html'>{html.escape(d.full_name)}</a></li>"
            for d in self.departments
        )
        return f"<html><body><h1>绍兴市政府信息公开</h1><ul>{links}</ul></body></html>"

    def _catalogue(self, dept: SampleDepartment) -> str:
        """An xxgk department's catalogue page: the list loads by posting the hidden form."""
        fields = {"area": dept.code, "divid": f"div{dept.code}", "infotypeId": ""}
        inputs = "".join(f"<input type='hidden' name='{k}' value='{v}'>" for k, v in fields.items())
        return (
            f"<html><body><h2>{html.escape(dept.full_name)}</h2>"
            f"<form action='/module/xxgk/search.jsp' method='post'>{inputs}</form>"
            f"<div id='div{dept.code}'></div></body></html>"
        )

    def page_count(self, code: str) -> int:
        return max(1, -(-len(self._lists[code]) // self.page_size))

    def _slice(self, code: str, page: int) -> list[TruthDocument]:
        return self._lists[code][page * self.page_size : (page + 1) * self.page_size]

    def _trs(self, dept: SampleDepartment, page: int) -> Response:
        count = self.page_count(dept.code)
        if page >= count:
            return Response(404, b"<html><body>404 Not Found</body></html>")
        items = "".join(
            f"<li><a href='{d.path}' title='{html.escape(d.title)}'>{html.escape(d.title)}</a>"
            f"<span class='date'>{d.published_on:%Y-%m-%d}</span></li>"
            for d in self._slice(dept.code, page)
        )
        return self._html(
            f"<html><body><h2>{html.escape(dept.full_name)}</h2><ul class='xxgk_list'>{items}</ul>"
            f'<script language="JavaScript">var countPage = {count};'
            f'createPageHTML({count}, {page}, "index", "html");</script></body></html>'
        )

    def _xxgk(self, form: dict[str, list[str]]) -> Response:
        code = (form.get("area") or [""])[0]
        dept = next((d for d in self.departments if d.code == code), None)
        if dept is None or dept.list_kind != "xxgk":
            return self._html("<html><body><table class='xxgk-list'></table>共0页</body></html>")
        try:
            page = int((form.get("currpage") or ["1"])[0])
        except ValueError:
            return Response(400, b"bad currpage")
        count = self.page_count(code)
        rows = "".join(
            f"<tr><td><a href='{d.path}' target='_blank'>{html.escape(d.title)}</a></td>"
            f"<td>{d.published_on:%Y-%m-%d}</td></tr>"
            for d in (self._slice(code, page - 1) if 1 <= page <= count else [])
        )
        return self._html(
            f"<html><body><table class='xxgk-list'>{rows}</table>"
            f"<div class='page'>第{page}页 共{count}页</div></body></html>"
        )

    # ------------------------------------------------------------------ exports
    def register_csv(self, encoding: str = "utf-8-sig") -> bytes:
        """Return the register export (发文登记): every numbered document signed, as CSV bytes."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["发文单位", "文号", "标题", "成文日期", "是否涉密"])
        for entry in self.register:
            writer.writerow(
                [
                    entry.department,
                    entry.doc_number,
                    entry.title,
                    entry.signed_on.isoformat(),
                    "是" if entry.status == "classified" else "否",
                ]
            )
        return buffer.getvalue().encode(encoding)

    def explanations_csv(self, encoding: str = "utf-8-sig") -> bytes:
        """Return the non-disclosure explanations (不予公开说明) some departments filed."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["发文单位", "文号", "不予公开理由"])
        for entry in self.register:
            if entry.status == "explained":
                writer.writerow([entry.department, entry.doc_number, "涉及内部事务，依法不予公开"])
        return buffer.getvalue().encode(encoding)

    def summary(self) -> dict[str, Any]:
        statuses: dict[str, int] = {}
        for entry in self.register:
            statuses[entry.status] = statuses.get(entry.status, 0) + 1
        return {
            "departments": len(self.departments),
            "documents": len(self.truth),
            "late": sum(d.expected_lag > 5 for d in self.truth),
            "without_number": sum(d.doc_number_key is None for d in self.truth),
            "register": statuses,
        }


def _trs_page_number(name: str) -> int | None:
    if name == "index.html":
        return 0
    if name.startswith("index_") and name.endswith(".html"):
        number = name[len("index_") : -len(".html")]
        return int(number) if number.isdigit() and int(number) > 0 else None
    return None


TOPICS = (
    "印发2012年工作要点",
    "做好安全生产工作",
    "开展专项检查",
    "调整领导小组成员",
    "转发省有关文件",
    "加强信息公开工作",
    "做好节日期间有关工作",
    "下达专项资金",
    "表彰先进集体和个人",
    "开展绩效考核",
)
