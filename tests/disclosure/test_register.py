"""Register import (发文登记) and explanations: encodings, bad rows, re-import, the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, NondisclosureExplanation, SignedDocument
from scoring.entries.register import RegisterFileError, import_explanations, import_register

REPO = Path(__file__).resolve().parents[2]
GOOD_AND_BAD = (
    "发文单位,文号,标题,成文日期,是否涉密\n"
    "市发改委,绍市发改〔2012〕1号,关于甲的通知,2012-03-05,否\n"
    "绍兴市发展和改革委员会,绍市发改[2012]2号,关于乙的通知,2012年3月6日,\n"
    "市发改委,,无文号的通知,2012-03-07,否\n"
    "市发改委,绍市发改〔2012〕3号,关于丙的通知,2012-02-30,否\n"
    "市不存在局,绍市无〔2012〕1号,关于丁的通知,2012-03-08,否\n"
    "市财政局,绍市财〔2012〕9号,关于戊的通知,2012/3/9,是\n"
)


def test_bad_rows_are_reported_by_line_and_the_others_load(
    registry_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(GOOD_AND_BAD.encode("utf-8-sig"))

    result = import_register(registry_session, path)
    registry_session.commit()

    assert (result.added, result.unchanged, result.unnumbered) == (4, 0, 1)
    problems = {p.line: p.message for p in result.problems}
    assert sorted(problems) == [5, 6]
    assert "'2012-02-30' is not a date" in problems[5]
    assert "市不存在局" in problems[6] and "matches no unit" in problems[6]
    rows = registry_session.scalars(select(SignedDocument).order_by(SignedDocument.id)).all()
    assert [(r.doc_number_key, r.classified, r.source_line) for r in rows] == [
        ("绍市发改〔2012〕1号", False, 2),
        ("绍市发改〔2012〕2号", False, 3),
        (None, False, 4),  # no 文号: kept, matched later by date and title
        ("绍市财〔2012〕9号", True, 7),
    ]

    again = import_register(registry_session, path)
    assert (again.added, again.unchanged) == (0, 4)


def test_gbk_register_with_english_headers_loads(registry_session: Session, tmp_path: Path) -> None:
    path = tmp_path / "register-gbk.csv"
    path.write_bytes(
        "department,doc_number,title,signed_on\n市教育局,绍市教〔2012〕5号,招生通知,20120305\n".encode(
            "gbk"
        )
    )
    result = import_register(registry_session, path)
    assert (result.encoding, result.added, result.problems) == ("gb18030", 1, [])


def test_missing_column_is_a_file_error_naming_the_accepted_headers(
    registry_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text("部门,标题\n市发改委,x\n", encoding="utf-8")
    with pytest.raises(RegisterFileError, match=r"line 1: missing column\(s\).*文号"):
        import_register(registry_session, path)


def test_explanations_match_register_numbers_whatever_the_brackets(
    registry_session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "explanations.csv"
    path.write_text(
        "发文单位,文号,不予公开理由\n市发改委,绍市发改（2012）4号,内部事务\n市发改委,绍市发改〔2012〕5号,\n",
        encoding="utf-8",
    )
    result = import_explanations(registry_session, path)
    assert result.added == 1
    assert [str(p) for p in result.problems] == ["line 3: reason (不予公开理由) is blank"]
    key = registry_session.scalar(select(NondisclosureExplanation.doc_number_key))
    assert key == "绍市发改〔2012〕4号"


def _scoring(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EGOV_VAR_DIR": str(var_dir)}
    env.pop("EGOV_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_register_import_command_prints_line_errors_and_exits_non_zero(tmp_path: Path) -> None:
    assert _scoring(tmp_path, "db", "upgrade").returncode == 0
    assert _scoring(tmp_path, "departments", "import").returncode == 0
    path = tmp_path / "register.csv"
    path.write_bytes(GOOD_AND_BAD.encode("gbk"))

    result = _scoring(tmp_path, "register", "import", str(path))

    assert result.returncode == 1
    assert "4 documents added (1 without 文号)" in result.stdout
    assert f"{path}: line 5:" in result.stderr
    assert "2 rows of" in result.stderr and "Traceback" not in result.stderr
    again = _scoring(tmp_path, "register", "import", str(path))
    assert "0 documents added, 4 already present" in again.stdout
    helped = _scoring(tmp_path, "register", "import", "--help")
    assert "Example:" in helped.stdout
    gaps = _scoring(tmp_path, "disclosure", "gaps", "--format", "csv")
    assert gaps.returncode == 0 and gaps.stdout.startswith("department,prefix")


UNNUMBERED = (
    "发文单位,文号,标题,成文日期\n"
    "市发改委,,关于做好2012年春运工作的通知,2012-03-05\n"  # published under this title
    "市发改委,,关于召开全市物价工作会议的通知,2012-03-06\n"  # never published
    "市发改委,,关于召开全市物价工作会议的通知,2012-03-06\n"  # the same row again
    "市发改委,无,关于印发《节能监察办法》的通知,2012-03-07\n"  # published, other punctuation
    "市发改委,绍市发改〔2012〕8号,关于价格监测的通知,2012-03-08\n"  # never published
)


def test_register_rows_without_number_are_matched_by_title_and_date_through_the_cli(
    database_url: str, tmp_path: Path
) -> None:
    """~10% of a real register has no 文号: unpublished ones are reported missing all the same."""
    from click.testing import CliRunner

    from db.engine import make_engine, session_scope
    from scoring.cli import cli
    from tests.disclosure.conftest import dept_id
    from tests.scoring import factories as f

    env = {"EGOV_DATABASE_URL": database_url}
    runner = CliRunner()
    assert runner.invoke(cli, ["departments", "import"], env=env).exit_code == 0
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        platform = f.site(session, "disclosure")
        ndrc = session.get(Department, dept_id(session, "市发改委"))
        for title, day in (
            ("关于做好2012年春运工作的通知", 5),
            ("关于印发“节能监察办法”的通知", 7),
            ("关于召开全市物价工作会议的通知", 9),  # same title, another day: not a match
        ):
            signed = dt.date(2012, 3, day)
            f.document(
                session, ndrc, platform=platform, signed_on=signed, published_on=signed, title=title
            )
    engine.dispose()
    path = tmp_path / "register.csv"
    path.write_bytes(UNNUMBERED.encode("gbk"))

    imported = runner.invoke(cli, ["register", "import", str(path)], env=env)
    assert imported.exit_code == 1  # line 4 repeats line 3
    assert "4 documents added (3 without 文号)" in imported.stdout
    assert f"{path}: line 4: the same title and date repeats line 3" in imported.stderr

    listed = runner.invoke(
        cli,
        ["disclosure", "check", "--year", "2012", "--status", "missing", "--format", "json"],
        env=env,
    )
    assert listed.exit_code == 0, listed.output
    missing = [(row["doc_number"], row["title"]) for row in json.loads(listed.stdout)]
    assert missing == [
        (None, "关于召开全市物价工作会议的通知"),
        ("绍市发改〔2012〕8号", "关于价格监测的通知"),
    ]
    report = runner.invoke(
        cli,
        ["monthly-report", "--month", "2012-03", "--format", "json"],
        env=env,
    )
    assert report.exit_code == 0, report.output
    sections = {s["key"]: s for s in json.loads(report.stdout)["sections"]}
    ndrc_row = next(r for r in sections["departments"]["rows"] if r["department"] == "市发改委")
    assert (ndrc_row["documents_published"], ndrc_row["documents_missing"]) == (3, 2)
    assert {r["title"] for r in sections["late_documents"]["rows"] if r["status"] == "missing"} == {
        "关于召开全市物价工作会议的通知",
        "关于价格监测的通知",
    }
