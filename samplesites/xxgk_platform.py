"""A sample Hanweb 信息公开 platform laid out as real ones are, with its truth.

``SampleXxgkPlatform(year=2012, seed=11, **knobs)`` serves, as a ``samplesites.server`` handler:

- ``/`` (and ``/col/col1000/index.html``): the tree of every unit's catalogue, names shown the
  way sites show them (full name, short name, an alias) plus one unit the registry does not
  know, and a link to a page that is not a catalogue (公开指南);
- each unit's catalogue ``/col/col{13NN}/index.html`` with a hidden form posting to
  ``/module/xxgk/search.jsp`` (``infotypeId, jdid, area, divid, sortfield, standardXxgk``).
  Older units answer in the table layout (``tr.tr_main_value_odd|even``), newer ones
  (``standardXxgk=1``) in the ``div.zfxxgk_list_con`` layout and only to requests carrying
  ``X-Requested-With`` (else an empty list). Two units' forms carry the whole area's code: their
  search returns every unit's documents, interleaved;
- documents ``/art/Y/M/D/art_{catalogue column}_{n}.html``: a metadata table without 成文日期
  for most (索引号, 主题分类, 发布机构, 公开日期 ``2012-03-05 00:00:00``, 有效性, 发文字号), the
  signing date in the 落款 at the end of the body (``2012年3月1日`` or ``二〇一二年三月一日``),
  after the attachment note and before an attachment with its own date; some with 成文日期 in
  the table, some without a signing date anywhere, some without 发布机构 (only the link's
  column says whose), some on a template that closes the page before the article.

``.truth`` lists every document as a correct crawl stores it; ``.catalogue`` maps catalogue
column ids to the unit's short name (None for the unknown unit).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from db.registry import load_registry
from db.workdays import WorkdayCalendar, default_calendar
from samplesites.pages import xxgk as pages
from samplesites.server import Request, Response

JDID = "3185"
WHOLE_AREA = "002500000"
ROOT_PATH = "/col/col1000/index.html"
GUIDE_PATH = "/col/col2/index.html"
SEARCH_PATH = "/module/xxgk/search.jsp"
UNKNOWN_UNIT = "某市城乡规划研究服务中心"  # in no registry: listed as unresolved
WHOLE_AREA_UNITS = (2, 5)  # these catalogues' forms search the whole area
PAGE_SIZE = 10


@dataclass(frozen=True)
class PlatformUnit:
    column: int
    area: str
    shown_name: str
    short_name: str | None  # None: the unit the registry does not know
    names: tuple[str, ...]
    standard: bool  # standardXxgk=1: newer list layout, X-Requested-With required
    whole_area: bool
    prefix: str


@dataclass(frozen=True)
class PlatformDocument:
    """A document as a correct crawl stores it."""

    department: str | None
    column: int
    path: str
    title: str
    doc_number: str
    signed_on: dt.date | None
    signed_source: str  # table | body | none
    published_on: dt.date
    expected_lag: int | None
    issuer_on_page: bool
    broken_page: bool


class SampleXxgkPlatform:
    """The sample platform (see the module docstring)."""

    def __init__(
        self,
        year: int = 2012,
        seed: int = 11,
        *,
        departments: int = 8,
        documents_per_unit: tuple[int, int] = (5, 9),
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        rng = random.Random(seed)
        self.year = year
        self.calendar = calendar or default_calendar()
        registry = [u for u in load_registry().units if u.kind == "department"][:departments]
        self.units: list[PlatformUnit] = []
        for index, unit in enumerate(registry):
            # Sites show a unit by its full name, its short name or an older name (alias).
            shown = (unit.full_name, unit.short_name, (*unit.aliases, unit.full_name)[0])[index % 3]
            self.units.append(
                PlatformUnit(
                    column=1300 + index,
                    area=WHOLE_AREA if index in WHOLE_AREA_UNITS else f"0025{index + 1:05d}",
                    shown_name=shown,
                    short_name=unit.short_name,
                    names=unit.all_names(),
                    standard=index % 2 == 1,
                    whole_area=index in WHOLE_AREA_UNITS,
                    prefix=f"某{unit.short_name.removeprefix('市')[:2]}",
                )
            )
        self.units.append(
            PlatformUnit(
                1300 + len(registry), f"0025{len(registry) + 1:05d}", UNKNOWN_UNIT, None,
                (UNKNOWN_UNIT,), False, False, "某规研",
            )
        )  # fmt: skip
        self.truth: list[PlatformDocument] = []
        self._pages: dict[str, str] = {}
        for unit in self.units:
            for seq in range(1, rng.randint(*documents_per_unit) + 1):
                self._document(rng, unit, seq)
        self.by_area = {
            u.area: sorted(
                (d for d in self.truth if d.column == u.column),
                key=lambda d: (d.published_on, d.path),
                reverse=True,
            )
            for u in self.units
            if not u.whole_area
        }
        self.by_area[WHOLE_AREA] = sorted(
            self.truth, key=lambda d: (d.published_on, d.path), reverse=True
        )
        self.catalogue = {str(u.column): u.short_name for u in self.units}

    # ------------------------------------------------------------------ generation
    def _document(self, rng: random.Random, unit: PlatformUnit, seq: int) -> None:
        serial = len(self.truth) + 1
        signed = dt.date(self.year, 1, 4) + dt.timedelta(days=rng.randint(0, 320))
        lag = rng.randint(6, 12) if rng.random() < 0.2 else rng.randint(0, 5)
        published = self.calendar.add_working_days(signed, lag)
        style = serial % 10  # 0-5 body (arabic), 6-7 body (Chinese numerals), 8 table, 9 none
        source = "body" if style < 8 else ("table" if style == 8 else "none")
        if style < 6:
            signature = f"{signed.year}年{signed.month}月{signed.day}日"
        elif style < 8:
            signature = pages.chinese_date(signed)
        else:
            signature = pages.chinese_date(signed) if style == 8 else None
        issuer_on_page = serial % 7 != 3
        broken = serial % 9 == 4
        day = f"{published.year}/{published.month}/{published.day}"
        path = f"/art/{day}/art_{unit.column}_{serial}.html"
        full_name = unit.names[min(1, len(unit.names) - 1)]
        title = f"{full_name}关于做好{rng.choice(TOPICS)}工作的通知（{seq}）"
        number = f"{unit.prefix}〔{self.year}〕{seq}号"
        self._pages[path] = pages.detail(
            title=title,
            index_no=f"{unit.area}/{self.year}-{serial:05d}",
            issuer=unit.names[serial % len(unit.names)] if issuer_on_page else None,
            published=published,
            doc_number=number,
            signed_in_table=signed if source == "table" else None,
            signature=signature,
            broken=broken,
        )
        dated = source != "none"
        self.truth.append(
            PlatformDocument(
                department=unit.short_name,
                column=unit.column,
                path=path,
                title=title,
                doc_number=number,
                signed_on=signed if dated else None,
                signed_source=source,
                published_on=published,
                expected_lag=lag if dated else None,
                issuer_on_page=issuer_on_page,
                broken_page=broken,
            )
        )

    # ------------------------------------------------------------------ serving
    def __call__(self, request: Request) -> Response:
        path = request.path
        if path in ("/", "/index.html", ROOT_PATH):
            entries = [(f"/col/col{u.column}/index.html", u.shown_name) for u in self.units]
            return _html(pages.catalogue_tree(entries))
        if path == GUIDE_PATH:
            return _html(pages.guide())
        if path == SEARCH_PATH:
            if request.method != "POST":
                return Response(405, b"POST only")
            return self._search(request)
        for unit in self.units:
            if path in (f"/col/col{unit.column}/index.html", f"/col/col{unit.column}/"):
                return _html(pages.catalogue_page(unit.shown_name, self._fields(unit)))
        if path in self._pages:
            return _html(self._pages[path])
        return Response(404, b"<html><body>404 Not Found</body></html>")

    def _fields(self, unit: PlatformUnit) -> dict[str, str]:
        return {
            "infotypeId": "",
            "jdid": JDID,
            "area": unit.area,
            "divid": f"div{unit.column}",
            "sortfield": "compaltedate:0",
            "standardXxgk": "1" if unit.standard else "0",
        }

    def _search(self, request: Request) -> Response:
        form = {k: v[0] for k, v in request.form.items()}
        standard = form.get("standardXxgk") == "1"
        documents = self.by_area.get(form.get("area", ""), []) if form.get("jdid") == JDID else []
        if standard and request.headers.get("x-requested-with") != "XMLHttpRequest":
            documents = []  # newer platforms answer an empty list to a plain form post
        try:
            page = int(form.get("currpage") or 1)
        except ValueError:
            return Response(400, b"bad currpage")
        pages_total = -(-len(documents) // PAGE_SIZE)
        rows = [
            (d.path, d.title, f"{d.published_on:%Y-%m-%d}")
            for d in documents[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        ]
        render = pages.list_items if standard else pages.table_rows
        return _html(render(rows, page, pages_total, len(documents)))


def _html(text: str) -> Response:
    return Response(200, text.encode("utf-8"))


TOPICS = ("安全生产", "信息公开", "节日值班", "专项检查", "财政资金管理", "防汛防台")
