"""互动回应差 and slow replies: letters read from real-looking pages, a real ``scrapy crawl
letters`` of the sample's consultation columns, and every figure compared with its truth."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from crawler.interaction.forms import form_state
from crawler.interaction.pages import detail_fields, generic_list, hanweb_list, hanweb_next
from crawler.interaction.settings import letter_columns
from crawler.onboarding.cli import cli as sites_cli
from crawler.profiles import ProfileError, parse_profile
from db.engine import make_engine, session_scope
from db.models import FetchedPage, Letter, LetterColumn, LetterWalk
from db.models.letters import FormState, LetterStatus
from samplesites import sample_profile
from samplesites.consultation import (
    ANSWERED_ONLY,
    COLUMNS,
    FORMLESS,
    NEAR_THREE_MONTHS,
    OVER_THREE_MONTHS,
    SLOW,
    SLOW_POINTS,
    TRUTH,
    Consultation,
)
from samplesites.server import Request as SiteRequest
from scoring.cli import cli
from scoring.inspection.interaction import NEAR, OVER, evidence_pages
from scoring.inspection.interaction import SLOW as SLOW_REPLY
from scoring.inspection.site import inspect_site
from scoring.rules import DEFAULT_RULES_FILE, RulesError, load_rules
from scoring.rules.national import DEFAULT_NATIONAL_RULES_FILE, load_national_rules
from scoring.warnings.findings import scan
from tests.evidence_queries import with_registry
from tests.inspection.conftest import SITE_KEY, Servers, scrapy
from tests.reliability.mutations import mutations

HANWEB_LIST = """<html><body><table class="xjlb">
<tr><th>信件编号</th><th>信件标题</th><th>来信时间</th><th>处理状态</th></tr>
<tr><td>20240012</td>
<td><a href="/art/2024/3/1/art_1_12.html" title="关于小区停车的咨询">关于小区…</a></td>
<td>2024-03-01</td><td>已回复</td></tr>
<tr><td>20240013</td><td><a href="letter?id=13">关于噪音的投诉</a></td><td>2024-03-02</td>
<td>未回复</td></tr>
</table><div><a href="javascript:;">上一页</a><a href="list_2.html">下一页</a></div>
</body></html>"""

HANWEB_DETAIL = """<html><body><table class="xjxq">
<tr><td>信件标题：</td><td colspan="3">关于小区停车的咨询</td></tr>
<tr><td>来信时间：</td><td>2024-03-01 10:21:05</td><td>处理状态：</td><td>已回复</td></tr>
<tr><td>回复单位：</td><td>绍兴市建设局</td><td>回复时间：</td><td>2024-03-12</td></tr>
<tr><td>回复内容：</td><td colspan="3">您好，来信收悉。</td></tr></table></body></html>"""


def test_hanweb_letter_list_is_read_by_its_header_labels_not_cell_positions():
    letters = hanweb_list(HANWEB_LIST, "http://gov.example/col/col1/index.html")
    assert [(x.url, x.fields.title, x.fields.submitted_on, x.fields.status) for x in letters] == [
        (
            "http://gov.example/art/2024/3/1/art_1_12.html",
            "关于小区停车的咨询",
            dt.date(2024, 3, 1),
            LetterStatus.ANSWERED,
        ),
        (
            "http://gov.example/col/col1/letter?id=13",
            "关于噪音的投诉",
            dt.date(2024, 3, 2),
            LetterStatus.UNANSWERED,
        ),
    ]
    assert hanweb_next(HANWEB_LIST, "http://gov.example/col/col1/index.html") == (
        "http://gov.example/col/col1/list_2.html"
    )


def test_detail_table_gives_written_and_reply_dates_status_and_reply_unit():
    fields = detail_fields(HANWEB_DETAIL)
    assert fields.title == "关于小区停车的咨询"
    assert (fields.submitted_on, fields.replied_on) == (dt.date(2024, 3, 1), dt.date(2024, 3, 12))
    assert (fields.status, fields.reply_unit) == (LetterStatus.ANSWERED, "绍兴市建设局")


def test_other_mailbox_labels_read_too_and_a_reply_time_of_none_yet_is_no_reply():
    page = (
        '<table><tr><td class="row-prompt">来信时间:</td><td>2024-04-01 09:12:00</td>'
        '<td class="row-prompt">受理单位:</td><td>市建设局</td></tr>'
        '<tr><td class="row-prompt">办事状态:</td><td>处理中</td></tr>'
        '<tr><td class="row-prompt">来信主题:</td><td colspan="3">关于路灯的反映</td></tr>'
        '<tr><td class="row-prompt">办理时间:</td><td>暂无</td></tr></table>'
    )
    fields = detail_fields(page)
    assert (fields.title, fields.submitted_on, fields.replied_on) == (
        "关于路灯的反映",
        dt.date(2024, 4, 1),
        None,
    )
    assert fields.status == LetterStatus.IN_PROGRESS


def test_inline_labels_stop_at_the_next_label_and_unanswered_is_not_read_as_answered():
    fields = detail_fields("<p>来信时间：2024年3月2日 状态：未回复</p><p>回复单位：</p>")
    assert (fields.submitted_on, fields.status, fields.reply_unit) == (
        dt.date(2024, 3, 2),
        LetterStatus.UNANSWERED,
        None,
    )
    assert detail_fields("<p>答复时间：2024-03-05</p>").status == LetterStatus.ANSWERED
    assert detail_fields("<p>办理状态：办理中</p>").status == LetterStatus.IN_PROGRESS


def test_generic_list_reads_the_profile_selectors():
    page = (
        '<ul class="letters"><li><a href="/l/1.html">关于营业执照的咨询</a>'
        '<span class="date">2024-05-06</span><span class="state">已办结</span></li></ul>'
    )
    options = {"item": "css:ul.letters li", "date": "css:span.date", "status": "css:.state"}
    (letter,) = generic_list(page, "http://gov.example/x/", options)
    assert (letter.url, letter.fields.submitted_on, letter.fields.status) == (
        "http://gov.example/l/1.html",
        dt.date(2024, 5, 6),
        LetterStatus.ANSWERED,
    )


def test_a_form_page_is_judged_by_looking_only():
    writable = '<form action="send.do"><input name="t"><textarea name="c"></textarea></form>'
    assert form_state(200, writable) == FormState.FORM
    assert form_state(200, "<form><button>查询</button></form><p>暂停受理</p>") == FormState.NO_FORM
    assert form_state(500, writable) == FormState.FORM_ERROR
    assert form_state(None, None) == FormState.FORM_ERROR


def _profile() -> dict:
    column = {"key": "a", "name": "要闻", "list_kind": "generic", "url": "/a/"}
    column["options"] = {"item": "css:li"}
    return {"name": "x", "kind": "portal", "base_url": "http://x.invalid", "column": [column]}


def test_a_letters_column_of_an_unknown_channel_is_a_one_line_profile_error():
    data = _profile() | {
        "letters": {
            "column": [{"key": "z", "name": "在线访谈", "channel": "interview", "url": "/"}]
        }
    }
    with pytest.raises(ProfileError) as error:
        letter_columns(parse_profile("x", data))
    assert "\n" not in str(error.value)
    assert "channel" in str(error.value)


def test_interaction_rules_are_read_from_the_national_file_and_validated(tmp_path: Path):
    rules = load_national_rules().interaction
    assert (rules.unanswered_after_months, rules.warn_days_before) == (3, 14)
    assert (rules.reply_within_working_days, rules.points_each) == (5, Decimal("0.5"))
    bundled = DEFAULT_NATIONAL_RULES_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "national.toml"
    broken.write_text(
        bundled.replace("reply_within_working_days = 5", "reply_within_working_days = 0")
    )
    with pytest.raises(RulesError) as error:
        load_national_rules(broken)
    assert "\n" not in str(error.value) and "reply_within_working_days" in str(error.value)
    older = tmp_path / "older.toml"
    older.write_text(bundled[: bundled.index("# " + "-" * 96 + "\n# 互动回应差")])
    assert load_national_rules(older).interaction == rules


# ---------------------------------------------------------------------- a real crawl
@pytest.fixture(scope="module")
def letters_db(module_database_url: str, servers: Servers) -> str:
    """The sample's consultation columns crawled twice (a second night changes nothing)."""
    url = module_database_url
    scrapy(url, "letters", servers.base_url)
    scrapy(url, "letters", servers.base_url)
    return url


def _inspect(url: str, day: dt.date):
    engine = make_engine(url)
    with session_scope(engine) as session:
        result = inspect_site(session, load_national_rules(), SITE_KEY, day)
    engine.dispose()
    return result


def test_every_letter_is_stored_once_with_the_sample_dates_status_and_its_pages(letters_db, today):
    sample = Consultation(today)
    expected = {}
    for column in COLUMNS:
        for shown in sample.letters(column):
            if not column.lists_unanswered and shown.letter.status != "已回复":
                continue
            expected[shown.letter.title] = (column.key, shown.submitted, shown.replied)
    engine = make_engine(letters_db)
    with session_scope(engine) as session:
        rows = session.execute(
            select(Letter.title, LetterColumn.key, Letter.submitted_on, Letter.replied_on).join(
                LetterColumn, LetterColumn.id == Letter.column_id
            )
        ).all()
        assert {t: (k, s, r) for t, k, s, r in rows} == expected
        assert len(rows) == len(expected)
        unread = session.scalar(
            select(func.count()).select_from(Letter).where(Letter.page_id.is_(None))
        )
        assert unread == 0
        pages = session.scalar(select(func.count()).select_from(FetchedPage))
        assert pages >= len(expected) + 3
        walks = session.execute(select(LetterWalk.complete, LetterWalk.form_state)).all()
        assert len(walks) == 4 and all(complete for complete, _ in walks)
    engine.dispose()


def test_interaction_indicators_equal_the_sample_truth(letters_db, today):
    inspection = _inspect(letters_db, today)
    found = {i.key: (i.value, i.status) for i in inspection.indicators if i.key in TRUTH}
    assert found == TRUTH
    assert inspection.indicator("interaction_slow_replies").points == Decimal(str(SLOW_POINTS))
    report = inspection.interaction
    assert [x.title for x in report.having(OVER)] == list(OVER_THREE_MONTHS)
    assert [x.title for x in report.having(NEAR)] == list(NEAR_THREE_MONTHS)
    assert {x.title: x.lag_working_days for x in report.having(SLOW_REPLY)} == SLOW
    assert [c.key for c in report.formless] == list(FORMLESS)
    unprovable = {c.key: c.unprovable for c in report.columns if c.unprovable}
    assert list(unprovable) == list(ANSWERED_ONLY)
    assert "answered letters only" in unprovable["bmxx"]
    evidence = inspection.indicator("interaction").evidence
    assert "bmxx (部门信箱): unanswered letters not provable" in evidence
    assert all(title in evidence for title in OVER_THREE_MONTHS + NEAR_THREE_MONTHS)


def test_without_a_walk_by_the_day_unanswered_letters_are_not_provable(letters_db, today):
    inspection = _inspect(letters_db, today - dt.timedelta(days=1))
    unanswered = inspection.indicator("interaction")
    assert unanswered.status == "not provable"
    assert "no walk of the column by" in unanswered.evidence
    assert inspection.indicator("interaction_slow_replies").status == "not provable"


def test_a_letter_near_three_months_unanswered_is_warned_to_its_department(letters_db, today):
    engine = make_engine(letters_db)
    with session_scope(engine) as session:
        found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), today)
    engine.dispose()
    letters = [f for f in found.findings if f.kind == "letter"]
    assert [(f.department, f.site) for f in letters] == [("市长电话受理中心", SITE_KEY)]
    assert (
        NEAR_THREE_MONTHS[0] in letters[0].subject and "即将超过3个月未回复" in letters[0].subject
    )


def test_inspection_command_lists_the_letters_behind_the_indicators(letters_db, today):
    args = ["inspection", "--site", SITE_KEY, "--date", today.isoformat(), "--format", "json"]
    result = CliRunner().invoke(cli, args, env={"EGOV_DATABASE_URL": letters_db})
    assert result.exit_code == 0, result.output
    sections = {s["key"]: s for s in json.loads(result.stdout)["sections"]}
    rows = {row["title"]: row for row in sections["letters"]["rows"]}
    assert {t: r["working_days"] for t, r in rows.items() if r["verdict"] == SLOW_REPLY} == SLOW
    assert rows[OVER_THREE_MONTHS[0]]["status"] == "未回复"
    columns = {row["column"]: row for row in sections["consultation_columns"]["rows"]}
    assert columns["bmxx"]["form"].startswith("no_form")


def test_the_veto_and_the_slow_replies_point_at_their_stored_pages(letters_db, today):
    engine = make_engine(letters_db)
    with session_scope(engine) as session:
        inspection = inspect_site(session, load_national_rules(), SITE_KEY, today)
        veto = evidence_pages(session, inspection.interaction, "interaction")
        slow = evidence_pages(session, inspection.interaction, "interaction_slow_replies")
        bodies = {page_id: session.get(FetchedPage, page_id).url for _, page_id in [*veto, *slow]}
    engine.dispose()
    title = OVER_THREE_MONTHS[0]
    assert [label for label, _ in veto] == [
        f"letter 《{title}》 (szxx, written {_written(today, title)})",
        "form page of bmxx",
    ]
    assert bodies[veto[-1][1]].endswith("/hdjl/bmxx/write.html")
    assert len(slow) == len(SLOW)


def _written(today: dt.date, title: str) -> dt.date:
    sample = Consultation(today)
    return next(s.submitted for c in COLUMNS for s in sample.letters(c) if s.letter.title == title)


def test_mutated_letter_pages_never_crash_the_readers():
    sample = Consultation(dt.date(2026, 3, 20))

    def page(path: str) -> str:
        return sample(SiteRequest("GET", path, {}, {}, {}, b"")).body.decode("utf-8")

    pages = [page("/hdjl/szxx/list.html"), page("/hdjl/bmxx/list.html")]
    pages += [page(f"/hdjl/szxx/letter/{n}.html") for n in range(3)]
    pages.append(page("/hdjl/bmxx/letter/1.html"))
    options = {"item": "css:ul.letters li", "date": "css:span.date", "status": "css:.state"}
    read = Counter()
    for mutant in mutations(pages, 400, seed=2023):
        text = mutant.body.decode(mutant.encoding or "utf-8", errors="replace")
        letters = hanweb_list(text, "http://x/") + generic_list(text, "http://x/", options)
        fields = detail_fields(text)
        hanweb_next(text, "http://x/")
        form_state(200, text)
        read[mutant.kind] += len(letters) + (fields.submitted_on is not None)
    assert sum(read.values()) > 0


def test_a_column_whose_list_fails_is_not_read_whole_and_proves_no_letter_missing(
    servers, today, sqlite_url, tmp_path
):
    profile = Path(sample_profile(SITE_KEY)).read_text(encoding="utf-8")
    profile = profile.replace('url = "/hdjl/szxx/list.html"', 'url = "/hdjl/szxx/gone.html"')
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / f"{SITE_KEY}.toml").write_text(profile, encoding="utf-8")
    url = with_registry(sqlite_url)
    scrapy(url, "letters", servers.base_url, site=str(sites / f"{SITE_KEY}.toml"))
    inspection = _inspect(url, today)
    szxx = next(c for c in inspection.interaction.columns if c.key == "szxx")
    assert not szxx.complete and szxx.letters == 0
    assert "list page" in szxx.unprovable and "gone.html" in szxx.unprovable
    # the other column's form page still shows no form: the veto stands on that alone
    assert inspection.indicator("interaction").status == "veto"
    assert inspection.indicator("interaction").value.startswith("0 unanswered")


def test_sites_check_refuses_a_malformed_letters_table_in_one_line(tmp_path):
    profile = Path(sample_profile(SITE_KEY)).read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(profile.replace("lists_unanswered = false", "lists_unanswerd = false"))
    result = CliRunner().invoke(sites_cli, ["check", str(path)])
    assert result.exit_code != 0
    line = result.output.strip()
    assert line.startswith("Error: ") and "\n" not in line and "lists_unanswerd" in line
