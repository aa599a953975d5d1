"""The 整改 loop: a finding sent to its department, answered with files, accepted or rejected."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import (
    AuditEvent,
    NondisclosureExplanation,
    Rectification,
    RectificationAttachment,
    WarningDelivery,
)
from scoring.assessment.lags import calendar_in_force
from scoring.assessment.periods import SHANGHAI
from scoring.cli import cli
from scoring.rules import DEFAULT_RULES_FILE, load_rules
from scoring.warnings.deliveries import ALREADY_SENT, WOULD_SEND, deliver
from scoring.warnings.notify import NotifyConfig, Target
from scoring.warnings.rectification import rectification_findings
from tests.console.conftest import csrf_of, rows

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LATE = "绍发改〔2012〕12号"


def _send_late_document(browser, seeded) -> int:  # type: ignore[no-untyped-def]
    month = f"/departments/{seeded['ndrc']}?month=2012-03"
    html = browser.client.get(month).text
    key = f"{seeded['ndrc']}:{LATE}"
    assert (
        f'name="kind" value="late_document"><input type="hidden" name="subject_key" value="{key}"'
        in html
    )
    response = browser.post_form(
        month,
        "/rectifications",
        {"kind": "late_document", "subject_key": key, "title": LATE, "detail": "逾期"},
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _answer(browser, item: int, text: str, files=()):  # type: ignore[no-untyped-def]
    page = f"/rectifications/{item}"
    token = csrf_of(browser.client.get(page).text)
    return browser.client.post(
        f"{page}/answer",
        data={"text": text, "csrf_token": token},
        files=[("files", f) for f in files],
        follow_redirects=False,
    )


def test_a_late_document_is_answered_with_a_pdf_and_accepted_as_explained(
    open_console, seeded, database_url
):
    reviewer = open_console("rev")
    item = _send_late_document(reviewer, seeded)
    liaison = open_console("fgw")
    assert LATE in liaison.client.get("/rectifications").text
    other = open_console("liaison")  # 市统计局's liaison sees nothing of 市发改委's
    assert other.client.get(f"/rectifications/{item}").status_code == 404
    assert LATE not in other.client.get("/rectifications").text
    assert (
        _answer(
            liaison, item, "系统故障，已补发", [("说明.pdf", PDF, "application/pdf")]
        ).status_code
        == 303
    )
    shown = reviewer.client.get(f"/rectifications/{item}").text
    assert "系统故障，已补发" in shown and hashlib.sha256(PDF).hexdigest() in shown
    (stored,) = rows(database_url, select(RectificationAttachment))
    download = reviewer.client.get(f"/rectifications/files/{stored.id}")
    assert download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-type"] == "application/octet-stream"
    decided = reviewer.post_form(
        f"/rectifications/{item}", f"/rectifications/{item}/decide", {"decision": "accept"}
    )
    assert decided.status_code == 303
    (sent,) = rows(database_url, select(Rectification))
    assert (sent.state, sent.decided_by) == ("accepted", "rev")
    steps = [e.action for e in rows(database_url, select(AuditEvent).order_by(AuditEvent.id))]
    assert steps == ["rectification_sent", "rectification_answered", "rectification_accepted"]
    # the next monthly report marks it explained
    published = reviewer.post_form("/reports", "/reports", {"kind": "monthly", "period": "2012-03"})
    report = reviewer.client.get(published.headers["location"]).text
    explained = report.split('class="explained"')[1].split("</table>")[0]
    assert LATE in explained and "市发改委" in explained


def test_an_accepted_late_document_is_marked_in_every_downloaded_report_and_in_explain(
    open_console, seeded, database_url
):
    reviewer = open_console("rev")
    item = _send_late_document(reviewer, seeded)
    assert _answer(open_console("fgw"), item, "系统故障，已补发").status_code == 303
    page = f"/rectifications/{item}"
    assert reviewer.post_form(page, f"{page}/decide", {"decision": "accept"}).status_code == 303
    (sent,) = rows(database_url, select(Rectification))
    label = f"已采纳 #{item} ({sent.decided_at.astimezone(SHANGHAI).date().isoformat()}, rev)"
    published = reviewer.post_form("/reports", "/reports", {"kind": "monthly", "period": "2012-03"})
    run = published.headers["location"]
    report = reviewer.client.get(f"{run}/download?format=json").json()
    (listed,) = [
        row
        for section in report["sections"]
        if section["key"] == "late_documents"
        for row in section["rows"]
        if row["doc_number"] == LATE
    ]
    assert (listed["status"], listed["working_days_late"]) == ("late", 2)  # still late
    assert listed["rectification"] == label
    for fmt in ("csv", "html"):
        assert label in reviewer.client.get(f"{run}/download?format={fmt}").text, fmt
    explained = CliRunner().invoke(
        cli,
        ["explain", "--department", "市发改委", "--month", "2012-03", "--format", "csv"],
        env={"EGOV_DATABASE_URL": database_url},
    )
    assert explained.exit_code == 0, explained.output
    assert label in explained.stdout


def test_a_file_that_is_not_what_its_name_says_is_refused(open_console, seeded, database_url):
    item = _send_late_document(open_console("rev"), seeded)
    liaison = open_console("fgw")
    html_as_pdf = ("说明.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = _answer(liaison, item, "见附件", [html_as_pdf])
    assert response.status_code == 400 and "不是 PDF" in response.text
    zip_as_docx = ("a.zip", b"PK\x03\x04rest", "application/zip")
    assert _answer(liaison, item, "见附件", [zip_as_docx]).status_code == 400
    assert rows(database_url, select(RectificationAttachment)) == []
    (sent,) = rows(database_url, select(Rectification))
    assert sent.state == "sent"


def test_a_rejected_answer_may_be_given_once_more_then_no_more(open_console, seeded):
    reviewer = open_console("rev")
    item = _send_late_document(reviewer, seeded)
    liaison = open_console("fgw")
    page = f"/rectifications/{item}"

    def decide(decision: str, reason: str = "") -> int:
        return reviewer.post_form(
            page, f"{page}/decide", {"decision": decision, "reason": reason}
        ).status_code

    assert decide("accept") == 400  # nothing answered yet
    assert _answer(liaison, item, "第一次说明").status_code == 303
    assert decide("reject") == 400  # a rejection needs its reason
    assert decide("reject", "理由不充分") == 303
    assert _answer(liaison, item, "第二次说明").status_code == 303
    assert decide("reject", "仍不充分") == 303
    assert _answer(liaison, item, "第三次说明").status_code == 400
    assert reviewer.post_form(page, "/rectifications", {}).status_code in (400, 404)
    assert liaison.post_form(page, f"{page}/decide", {"decision": "accept"}).status_code == 403


def test_an_accepted_answer_about_a_number_gap_explains_it(open_console, seeded, database_url):
    reviewer = open_console("rev")
    key = f"{seeded['ndrc']}:绍发改〔2012〕11号"
    response = reviewer.post_form(
        "/reviews/number_gap", "/rectifications", {"kind": "number_gap", "subject_key": key}
    )
    assert response.status_code == 303
    item = int(response.headers["location"].rsplit("/", 1)[1])
    assert _answer(open_console("fgw"), item, "11号为涉密文件，不予公开").status_code == 303
    page = f"/rectifications/{item}"
    assert reviewer.post_form(page, f"{page}/decide", {"decision": "accept"}).status_code == 303
    (explanation,) = rows(database_url, select(NondisclosureExplanation))
    assert explanation.reason == "11号为涉密文件，不予公开"
    assert explanation.source_file == f"console:rectification:{item}"
    queue = reviewer.client.get("/reviews/number_gap").text
    assert not re.search(r"绍发改〔2012〕11号</a>", queue)  # explained: no longer a gap


def test_each_step_becomes_one_notification_sent_once(open_console, seeded, database_url):
    reviewer = open_console("rev")
    item = _send_late_document(reviewer, seeded)
    assert _answer(open_console("fgw"), item, "已补发").status_code == 303
    page = f"/rectifications/{item}"
    decided = reviewer.post_form(page, f"{page}/decide", {"decision": "reject", "reason": "不充分"})
    assert decided.status_code == 303
    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            sent = session.get(Rectification, item)
            assert sent is not None
            found = rectification_findings(session, sent.due_on, calendar_in_force())
            keys = [f.key for f in found]
            assert keys[0] == f"rectification:{item}:sent"
            assert f"rectification:{item}:rejected:1" in keys
            assert any(k.startswith(f"rectification:{item}:answer:") for k in keys)
            assert all(f.department == "市发改委" for f in found)
            assert "请于" in found[0].subject
            config = NotifyConfig(
                path=Path("notify.toml"),
                targets={"fgw": Target("fgw", "json://localhost/")},
                departments={"市发改委": ("fgw",)},
                sites={},
                default=(),
                copy=(),
            )
            first = deliver(session, config, found, {}, day=sent.due_on, dry_run=True)
            assert {o.status for o in first} == {WOULD_SEND}
            for finding in found:
                session.add(
                    WarningDelivery(
                        finding_key=finding.key,
                        target="fgw",
                        kind=finding.kind,
                        subject=finding.subject[:255],
                        body=finding.body,
                        status="sent",
                    )
                )
            session.flush()
            again = deliver(session, config, found, {}, day=sent.due_on, dry_run=True)
            assert {o.status for o in again} == {ALREADY_SENT}
    finally:
        engine.dispose()


def test_the_answer_is_due_the_rules_files_working_days_after_sending(
    open_console, seeded, database_url
):
    item = _send_late_document(open_console("rev"), seeded)
    (sent,) = rows(database_url, select(Rectification))
    today = sent.sent_at.astimezone(SHANGHAI).date()
    rules = load_rules(DEFAULT_RULES_FILE)
    assert rules.answer_working_days == 5
    assert sent.due_on == calendar_in_force().add_working_days(today, 5)
    assert sent.id == item


def test_a_rules_file_without_the_rectification_table_still_loads(tmp_path):
    text = DEFAULT_RULES_FILE.read_text(encoding="utf-8")
    start = text.index("[rectification]")
    older = tmp_path / "rules.toml"
    older.write_text(text[:start] + text[text.index("[prizes.department]") :], encoding="utf-8")
    assert load_rules(older).answer_working_days == 5
