"""The sample site's consultation columns (政务咨询类栏目), with letters of known truth.

Served by :class:`samplesites.inspection.SampleInspectionSite` under ``/hdjl/``:

- ``szxx`` 市长信箱, a Hanweb letter list (two pages, a header row naming the cells) and
  Hanweb detail tables (``<td>来信时间：</td><td>…</td>``); it lists unanswered letters too and
  has a form to write a letter (``write.html``);
- ``bmxx`` 部门信箱, a plain list read with selectors and detail pages of ``标签：值`` lines; it
  publishes answered letters only, and its form page shows no form (暂停受理).

Every letter's dates are relative to ``today`` (Asia/Shanghai): letters answered fast and slowly
(in working days on the statutory calendar), in progress, unanswered for over 3 calendar months,
unanswered and within 2 weeks of 3 months, and unanswered but young. :data:`TRUTH` is the
inspection's value and status of each interaction indicator, derived by hand from the table
below; :meth:`Consultation.truth` lists the letters behind them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from html import escape

from db.workdays import default_calendar
from samplesites.server import Request, Response

PAGE_SIZE = 4


@dataclass(frozen=True)
class SampleLetter:
    title: str
    age_days: int | None  # submitted this many days before today
    status: str  # 已回复, 办理中, 未回复
    reply_working_days: int | None = None  # answered this many working days after submission
    months_back: tuple[int, int] | None = None  # (months, days after): submitted relative to 3m


@dataclass(frozen=True)
class SampleLetterColumn:
    key: str
    name: str
    layout: str  # hanweb or generic
    lists_unanswered: bool
    has_form: bool
    letters: tuple[SampleLetter, ...]


COLUMNS: tuple[SampleLetterColumn, ...] = (
    SampleLetterColumn(
        "szxx",
        "市长信箱",
        "hanweb",
        lists_unanswered=True,
        has_form=True,
        letters=(
            SampleLetter("关于小区停车难的咨询", 20, "已回复", 2),
            SampleLetter("关于社保转移的咨询", 10, "未回复"),
            SampleLetter("关于学区划分的咨询", 30, "办理中"),
            SampleLetter("关于老旧小区加装电梯的建议", 40, "已回复", 9),
            SampleLetter("关于公交线路调整的咨询", 60, "已回复", 7),
            SampleLetter("关于道路积水的反映", None, "未回复", months_back=(3, 5)),
            SampleLetter("关于噪音扰民的投诉", None, "未回复", months_back=(3, -10)),
            SampleLetter("关于户籍迁移的咨询", 120, "已回复", 3),
        ),
    ),
    SampleLetterColumn(
        "bmxx",
        "部门信箱",
        "generic",
        lists_unanswered=False,
        has_form=False,
        letters=(
            SampleLetter("关于营业执照办理的咨询", 15, "已回复", 1),
            SampleLetter("关于企业补贴申报的咨询", 50, "已回复", 8),
        ),
    ),
)

REPLY_UNIT = "示例市人民政府办公室"
TRUTH: dict[str, tuple[str, str]] = {
    # indicator: (value as printed, status)
    "interaction": ("1 unanswered over 3 months; 1 column without a usable form", "veto"),
    "interaction_slow_replies": ("3", "deduction"),
}
SLOW_POINTS = 1.5  # 3 slow replies × 0.5 (national-2019.toml [interaction.slow_replies])
OVER_THREE_MONTHS = ("关于噪音扰民的投诉",)
NEAR_THREE_MONTHS = ("关于道路积水的反映",)
SLOW = {"关于老旧小区加装电梯的建议": 9, "关于公交线路调整的咨询": 7, "关于企业补贴申报的咨询": 8}
FORMLESS = ("bmxx",)
ANSWERED_ONLY = ("bmxx",)


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class ShownLetter:
    column: SampleLetterColumn
    number: int
    letter: SampleLetter
    submitted: dt.date
    replied: dt.date | None

    @property
    def path(self) -> str:
        return f"/hdjl/{self.column.key}/letter/{self.number}.html"


class Consultation:
    """The consultation columns as of ``today``; a handler for paths under ``/hdjl/``."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.workdays = default_calendar()

    def letters(self, column: SampleLetterColumn) -> list[ShownLetter]:
        """The letters a column shows, newest first."""
        shown = []
        for number, letter in enumerate(column.letters):
            if letter.months_back is not None:
                months, days = letter.months_back
                submitted = months_before(self.today, months) + dt.timedelta(days=days)
            else:
                assert letter.age_days is not None
                submitted = self.today - dt.timedelta(days=letter.age_days)
            replied = None
            if letter.reply_working_days is not None:
                replied = self.workdays.add_working_days(submitted, letter.reply_working_days)
            shown.append(ShownLetter(column, number, letter, submitted, replied))
        return sorted(shown, key=lambda s: s.submitted, reverse=True)

    def __call__(self, request: Request) -> Response:
        parts = request.path.split("/")  # "", "hdjl", key, page…
        column = next((c for c in COLUMNS if len(parts) > 3 and c.key == parts[2]), None)
        if column is None:
            return _page("<p>not found</p>", status=404)
        if parts[3] in ("list.html", "list_2.html"):
            return self._list(column, 1 if parts[3] == "list.html" else 2)
        if parts[3] == "write.html":
            return self._form(column)
        if parts[3] == "letter" and len(parts) == 5:
            number = int(parts[4].removesuffix(".html"))
            shown = next((s for s in self.letters(column) if s.number == number), None)
            if shown is not None:
                return self._detail(shown)
        return _page("<p>not found</p>", status=404)

    def _list(self, column: SampleLetterColumn, page: int) -> Response:
        letters = self.letters(column)
        if not column.lists_unanswered:
            letters = [s for s in letters if s.letter.status == "已回复"]
        chunk = letters[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        more = len(letters) > page * PAGE_SIZE
        if column.layout == "hanweb":
            rows = "".join(
                f"<tr><td>{s.submitted:%Y}{s.number:04d}</td>"
                f'<td><a href="{s.path}" title="{escape(s.letter.title)}" target="_blank">'
                f"{escape(s.letter.title)}</a></td>"
                f"<td>{s.submitted:%Y-%m-%d}</td><td>{s.letter.status}</td></tr>"
                for s in chunk
            )
            body = (
                '<table class="xjlb"><tr><th>信件编号</th><th>信件标题</th><th>来信时间</th>'
                f"<th>处理状态</th></tr>{rows}</table>"
            )
        else:
            body = '<ul class="letters">' + "".join(
                f'<li><a href="{s.path}">{escape(s.letter.title)}</a>'
                f'<span class="date">{s.submitted:%Y-%m-%d}</span>'
                f'<span class="state">{s.letter.status}</span></li>'
                for s in chunk
            )
            body += "</ul>"
        pager = '<a href="list_2.html">下一页</a>' if more else "<span>下一页</span>"
        return _page(f"<h1>{column.name}</h1>{body}<div class='page'>{pager}</div>", column.name)

    def _detail(self, shown: ShownLetter) -> Response:
        letter, replied = shown.letter, shown.replied
        reply_day = f"{replied:%Y-%m-%d}" if replied else ""
        unit = REPLY_UNIT if replied else ""
        answer = "答复内容。" if replied else ""
        if shown.column.layout == "hanweb":
            body = (
                '<table class="xjxq">'
                f'<tr><td>信件标题：</td><td colspan="3">{escape(letter.title)}</td></tr>'
                f"<tr><td>来信时间：</td><td>{shown.submitted:%Y-%m-%d} 10:21:05</td>"
                f"<td>处理状态：</td><td>{letter.status}</td></tr>"
                f"<tr><td>回复单位：</td><td>{unit}</td><td>回复时间：</td><td>{reply_day}</td></tr>"
                f"<tr><td>来信内容：</td><td colspan='3'>市民来信内容。</td></tr>"
                f"<tr><td>回复内容：</td><td colspan='3'>{answer}</td></tr>"
                "</table>"
            )
        else:
            body = (
                f"<h1>{escape(letter.title)}</h1>"
                f"<p>来信时间：{shown.submitted:%Y年%m月%d日}</p><p>状态：{letter.status}</p>"
                f"<p>回复单位：{unit}</p><p>回复时间：{reply_day}</p><p>答复内容。</p>"
            )
        return _page(body, letter.title)

    def _form(self, column: SampleLetterColumn) -> Response:
        if column.has_form:
            body = (
                '<form method="post" action="submit.do"><input type="text" name="title">'
                '<textarea name="content"></textarea><button type="submit">提交</button></form>'
            )
        else:
            body = "<p>系统升级，暂停受理。</p>"
        return _page(f"<h1>我要写信</h1>{body}", f"{column.name} 我要写信")


def _page(body: str, title: str = "", status: int = 200) -> Response:
    html = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )
    return Response(status, html.encode("utf-8"))
