"""Mid-month early warnings: the findings of the 20th, delivered once by e-mail and webhook."""

from __future__ import annotations

import datetime as dt
import email
import json
import socket
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import func, select

from db.models import (
    CrawlColumnResult,
    Department,
    SignedDocument,
    Site,
    SiteColumn,
    WarningDelivery,
)
from samplesites.server import Request, Response, serving
from scoring.cli import cli
from scoring.rules import DEFAULT_RULES_FILE, load_rules
from scoring.rules.national import load_national_rules
from scoring.warnings.findings import scan
from tests.scoring.factories import department, document, post, run, shanghai, signed, site

DAY = dt.date(2019, 3, 20)  # a Wednesday: March has 31 days, quota 12 means 7.7 by the 20th


class Mailbox:
    """A local SMTP server (aiosmtpd) keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


class Webhook:
    """A local webhook receiver; ``status`` is what it answers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.status = 200

    def __call__(self, request: Request) -> Response:
        if self.status == 200:
            self.calls.append((request.path, json.loads(request.body)))
        return Response(self.status, b"{}", content_type="application/json")


@pytest.fixture
def webhook() -> Iterator[tuple[Webhook, str]]:
    hook = Webhook()
    with serving(hook) as server:
        yield hook, server.url.split("://", 1)[1]


def build_month(session) -> dict[str, int]:
    """Posts, a crawled portal, an inspected platform's columns and a register, by 2019-03-20."""
    fgw = department(session, "市发改委", tier=1)
    jxw = department(session, "市经信委", tier=1)
    tourism = department(session, "市旅游局", tier=3)
    finance = department(session, "市财政局", tier=3)
    portal = site(session, "portal", "sx-portal")
    for unit, count in ((fgw, 7), (jxw, 8), (tourism, 1), (finance, 2)):
        for n in range(count):
            post(session, unit, shanghai(2019, 3, 1 + n), portal=portal)
    run(session, portal, shanghai(2019, 3, 20, 2))
    platform = site(session, "disclosure", "sx-xxgk")
    crawl = run(session, platform, shanghai(2019, 3, 20, 3))
    for key, category, newest, owner in (
        ("bmdt", "dynamic", dt.date(2019, 3, 8), fgw),  # 12 days: about to go stale
        ("gzdt", "dynamic", dt.date(2019, 3, 1), None),  # 19 days: stale
        ("tzgg", "notice", dt.date(2019, 3, 18), None),  # fresh
    ):
        column = SiteColumn(
            site_id=platform.id,
            key=key,
            name=key,
            list_kind="generic",
            url=f"{platform.base_url}{key}/",
            category=category,
            department_id=owner.id if owner else None,
        )
        session.add(column)
        session.flush()
        session.add(
            CrawlColumnResult(
                crawl_run_id=crawl.id,
                column_id=column.id,
                status="complete",
                items_seen=3,
                newest_seen=newest,
            )
        )
    signed(session, fgw, 1, dt.date(2019, 3, 13))  # due 03-20: 0 working days left
    signed(session, jxw, 2, dt.date(2019, 3, 15))  # due 03-22: 2 left
    signed(session, fgw, 3, dt.date(2019, 3, 18))  # due 03-25: 3 left, not yet
    signed(session, fgw, 4, dt.date(2019, 3, 11))  # due 03-18: already late, not a warning
    signed(session, fgw, 6, dt.date(2019, 3, 14), explained=True)  # a reason was given
    session.commit()
    return {"fgw": fgw.id, "jxw": jxw.id, "tourism": tourism.id}


EXPECTED = (
    "quota:2019-03:{fgw}",
    "quota:2019-03:{tourism}",
    "column:sx-xxgk:bmdt:2019-03-08:warning",
    "column:sx-xxgk:gzdt:2019-03-01:stale",
    "register:{fgw}:绍发改〔2012〕1号",
    "register:{jxw}:绍发改〔2012〕2号",
)


def test_findings_of_the_20th_are_quota_columns_and_register_entries_near_their_limit(session):
    ids = build_month(session)
    found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), DAY)
    assert found.notes == []
    assert sorted(f.key for f in found.findings) == sorted(k.format(**ids) for k in EXPECTED)
    quota = next(f for f in found.findings if f.key == f"quota:2019-03:{ids['fgw']}")
    assert "2019-03 截至20日发布信息 7 条，低于进度配额 7.7 条（第1档每月 12 条）" in quota.subject
    register = next(f for f in found.findings if f.kind == "register" and "1号" in f.key)
    assert "剩余 0 个工作日（2019-03-20 到期）" in register.subject


def test_register_rows_published_by_number_or_by_title_are_not_warned_about(session):
    """The assessment's matching decides what is published; a row without 文号 has its own key."""
    ids = build_month(session)
    fgw = session.get(Department, ids["fgw"])
    platform = session.scalar(select(Site).where(Site.key == "sx-xxgk"))
    friday = dt.date(2019, 3, 15)
    signed(session, fgw, 7, friday)
    on_the_19th = dt.date(2019, 3, 19)  # first seen that evening (UTC): by the 20th
    document(session, fgw, platform=platform, signed_on=friday, published_on=on_the_19th, number=7)
    for line, title in ((70, "关于《春季防汛》工作的通知"), (71, "关于秋季检查的通知")):
        session.add(
            SignedDocument(
                department_id=fgw.id,
                title=title,
                signed_on=friday,
                source_file="register.csv",
                source_line=line,
                imported_at=shanghai(2019, 3, 15, 18),
            )
        )
    document(
        session,
        fgw,
        platform=platform,
        signed_on=friday,
        published_on=on_the_19th,
        title="关于春季防汛工作的通知",  # the same title once normalised
    )
    session.commit()
    found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), DAY)
    unnumbered = session.scalar(
        select(SignedDocument.id).where(SignedDocument.title == "关于秋季检查的通知")
    )
    register = {f.key: f for f in found.findings if f.kind == "register"}
    assert set(register) == {
        f"register:{ids['fgw']}:绍发改〔2012〕1号",
        f"register:{ids['jxw']}:绍发改〔2012〕2号",
        f"register:{ids['fgw']}:row-{unnumbered}",
    }
    # signed on a Friday: five working days end on the next Friday, and a publication over
    # that weekend is still on time (the assessment's deadline), so it is due on the Sunday
    subject = register[f"register:{ids['fgw']}:row-{unnumbered}"].subject
    assert "（无文号） 尚未公开，剩余 2 个工作日（2019-03-24 到期）" in subject


def test_no_quota_warning_when_the_portal_was_not_read_whole(session):
    ids = build_month(session)
    portal = session.scalar(select(Site).where(Site.key == "sx-portal"))
    run(session, portal, shanghai(2019, 3, 20, 4), status="failed", healthy=False)
    session.commit()
    found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), DAY)
    assert not [f for f in found.findings if f.kind == "quota"]
    assert found.notes == [
        "no quota warnings: the latest crawl of sx-portal (2019-03-20 04:00) was failed, "
        "healthy=False"
    ]
    assert f"register:{ids['fgw']}:绍发改〔2012〕1号" in {f.key for f in found.findings}


def test_a_run_left_running_without_a_heartbeat_stops_the_quota_warnings_as_coverage_counts_it(
    session,
):
    build_month(session)
    portal = session.scalar(select(Site).where(Site.key == "sx-portal"))
    run(session, portal, shanghai(2019, 3, 20, 4), status="running", healthy=None)
    session.commit()
    found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), DAY)
    assert not [f for f in found.findings if f.kind == "quota"]
    assert found.notes == [
        "no quota warnings: the latest crawl of sx-portal (2019-03-20 04:00) was silent, "
        "healthy=None"
    ]


def test_a_crawl_still_beating_at_the_end_of_the_day_is_passed_over(session):
    build_month(session)
    portal = session.scalar(select(Site).where(Site.key == "sx-portal"))
    started = shanghai(2019, 3, 20, 23) + dt.timedelta(minutes=55)
    run(session, portal, started, status="running", healthy=None)
    session.commit()
    found = scan(session, load_rules(DEFAULT_RULES_FILE), load_national_rules(), DAY)
    assert [f for f in found.findings if f.kind == "quota"]
    assert found.notes == []


def _notify_file(tmp_path: Path, smtp_port: int, hook: str) -> Path:
    path = tmp_path / "notify.toml"
    path.write_text(
        f"""
[target.fgw-mail]
url = "mailto://127.0.0.1:{smtp_port}?from=egov@example.org&to=${{EGOV_SECRET_FGW_MAILBOX}}&mode=insecure"
description = "市发改委"
[target.center-hook]
url = "json://{hook}/hooks/${{EGOV_SECRET_HOOK_TOKEN}}"

[routes]
default = ["center-hook"]
[routes.department]
"市发改委" = ["fgw-mail"]
""",
        encoding="utf-8",
    )
    return path


def _send(url: str, notify: Path, *args: str, secrets: bool = True):
    env = {"EGOV_DATABASE_URL": url, "EGOV_NOTIFY_FILE": str(notify)}
    if secrets:
        env |= {"EGOV_SECRET_FGW_MAILBOX": "fgw@example.org", "EGOV_SECRET_HOOK_TOKEN": "s3cret"}
    command = ["warnings", "send", "--date", DAY.isoformat(), "--format", "json", *args]
    return CliRunner().invoke(cli, command, env=env)


def _deliveries(session) -> dict[str, int]:
    rows = session.execute(
        select(WarningDelivery.status, func.count()).group_by(WarningDelivery.status)
    )
    return {status: count for status, count in rows}


def test_warnings_reach_the_mailbox_and_the_webhook_once_and_dry_run_sends_nothing(
    session, database_url, mailbox, webhook, tmp_path
):
    ids = build_month(session)
    (box, smtp_port), (hook, hook_address) = mailbox, webhook
    notify = _notify_file(tmp_path, smtp_port, hook_address)

    dry = _send(database_url, notify, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert {row["status"] for row in json.loads(dry.stdout)} == {"would send"}
    assert len(json.loads(dry.stdout)) == 6
    assert box.messages == [] and hook.calls == []
    session.expire_all()
    assert _deliveries(session) == {}

    sent = _send(database_url, notify)
    assert sent.exit_code == 0, sent.output
    rows = json.loads(sent.stdout)
    targets = {(r["target"], r["status"]) for r in rows}
    assert targets == {("fgw-mail", "sent"), ("center-hook", "sent")}
    assert len(box.messages) == 1 and len(hook.calls) == 1
    message = box.messages[0]
    assert message["To"] == "fgw@example.org"
    text = message.get_body(("plain",)).get_content()
    assert "市发改委：2019-03 截至20日发布信息 7 条" in text and "绍发改〔2012〕1号" in text
    assert "栏目「bmdt」" in text and "市旅游局" not in text
    path, payload = hook.calls[0]
    assert path == "/hooks/s3cret"
    assert "3 early warnings as of 2019-03-20" in payload["title"]
    assert "市旅游局" in payload["message"] and "绍发改〔2012〕2号" in payload["message"]
    session.expire_all()
    assert _deliveries(session) == {"sent": 6}

    again = _send(database_url, notify)
    assert again.exit_code == 0, again.output
    assert {row["status"] for row in json.loads(again.stdout)} == {"already sent"}
    assert len(box.messages) == 1 and len(hook.calls) == 1
    session.expire_all()
    keys = set(session.scalars(select(WarningDelivery.finding_key)))
    assert keys == {k.format(**ids) for k in EXPECTED}


def test_a_failed_delivery_is_stored_and_tried_again_next_time(
    session, database_url, mailbox, webhook, tmp_path
):
    build_month(session)
    (box, smtp_port), (hook, hook_address) = mailbox, webhook
    notify = _notify_file(tmp_path, smtp_port, hook_address)
    hook.status = 500
    first = _send(database_url, notify)
    assert first.exit_code == 1
    assert first.output.strip().splitlines()[-1] == (
        "Error: 3 deliveries failed; they are tried again next time"
    )
    session.expire_all()
    assert _deliveries(session) == {"sent": 3, "failed": 3}

    hook.status = 200
    second = _send(database_url, notify)
    assert second.exit_code == 0, second.output
    statuses = {(r["target"], r["status"]) for r in json.loads(second.stdout)}
    assert statuses == {("fgw-mail", "already sent"), ("center-hook", "sent")}
    assert len(box.messages) == 1 and len(hook.calls) == 1
    session.expire_all()
    assert _deliveries(session) == {"sent": 6}


def test_a_secret_missing_from_the_environment_is_a_one_line_error_and_nothing_is_sent(
    session, database_url, mailbox, webhook, tmp_path
):
    build_month(session)
    (box, smtp_port), (hook, hook_address) = mailbox, webhook
    notify = _notify_file(tmp_path, smtp_port, hook_address)
    result = _send(database_url, notify, secrets=False)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {notify}: target › fgw-mail › url: ${{EGOV_SECRET_FGW_MAILBOX}} is not set in "
        "the environment"
    ]
    assert box.messages == [] and hook.calls == []
