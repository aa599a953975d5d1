"""Profiles where the operator keeps them, departments by any name, mistakes in one line."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler import profiles
from crawler import settings as project_settings
from crawler.departments import DepartmentNames
from crawler.onboarding.cli import cli
from crawler.profiles import ProfileError, load_profile
from db.terminal import display_width
from samplesites.server import Request, Response, serving
from schedules.config import load_profiles
from tests.crawls import scrapy_crawl

REPO = Path(__file__).resolve().parents[2]

PROFILE = """name = "某平台"
kind = "disclosure"
base_url = "{base}"

[catalogue]
"1300" = "绍兴市发展和改革委员会"

[[column]]
key = "fgw"
name = "发改委"
list_kind = "xxgk"
url = "/module/xxgk/search.jsp"
department = "{department}"
[column.options]
form = {{ area = "002500001" }}
{extra}
"""


def write(directory: Path, key: str, department: str = "市发改委", extra: str = "",
          base: str = "http://127.0.0.1:9") -> Path:  # fmt: skip
    path = directory / f"{key}.toml"
    path.write_text(PROFILE.format(base=base, department=department, extra=extra), "utf-8")
    return path


def test_profiles_are_read_from_egov_sites_dir_and_from_a_path(
    sites_dir: Path, tmp_path: Path
) -> None:
    write(sites_dir, "mine")
    assert profiles.sites_dir() == sites_dir
    assert load_profile("mine").key == "mine"
    elsewhere = write(tmp_path, "elsewhere")
    assert load_profile(str(elsewhere)).path == elsewhere
    assert set(load_profiles()) == {"mine"}  # the scheduler reads the same directory
    with pytest.raises(ProfileError, match=r"no site profile 'sample-portal'.*known: mine"):
        load_profile("sample-portal")
    with pytest.raises(ProfileError, match="no site profile file"):
        load_profile(str(tmp_path / "missing.toml"))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "item_selector = 'li'",
            "column #1 (fgw) › options › item_selector: unknown option for list_kind 'xxgk' "
            "(known: form, ajax, page_field, item)",
        ),
        ("ajax = 'yes'", "column #1 (fgw) › options › ajax: Input should be a valid boolean"),
    ],
)
def test_unknown_or_mistyped_option_is_refused_per_list_kind(
    sites_dir: Path, extra: str, message: str
) -> None:
    write(sites_dir, "bad", extra=extra)
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_profile("bad")


def test_generic_list_without_item_and_jpage_group_over_300_are_refused(sites_dir: Path) -> None:
    base = 'name = "x"\nkind = "portal"\nbase_url = "http://a/"\n[[column]]\nkey = "c"\n'
    base += 'name = "c"\nurl = "/"\n'
    (sites_dir / "g.toml").write_text(base + 'list_kind = "generic"\n', "utf-8")
    with pytest.raises(ProfileError, match=r"options.item \(one list item\) is required"):
        load_profile("g")
    jpage = base + 'list_kind = "jpage"\n[column.options]\ngroup = 5000\n'
    (sites_dir / "j.toml").write_text(jpage, "utf-8")
    with pytest.raises(ProfileError, match="group must be between 1 and 300"):
        load_profile("j")


def test_department_by_full_name_or_alias_becomes_the_short_name(
    registry_url: str, sites_dir: Path
) -> None:
    names = DepartmentNames.from_database(registry_url)
    for written in ("市发改委", "绍兴市发展和改革委员会", "市物价局"):
        write(sites_dir, "p", department=written)
        profile = names.resolve_profile(load_profile("p"))
        assert profile.column("fgw").department == "市发改委"
        assert profile.catalogue == {"1300": "市发改委"}


def test_unknown_departments_are_one_error_naming_them_all(
    registry_url: str, sites_dir: Path
) -> None:
    write(sites_dir, "p", department="市不存在局")
    names = DepartmentNames.from_database(registry_url)
    with pytest.raises(ProfileError) as caught:
        names.resolve_profile(load_profile("p"))
    assert "unknown department(s) 市不存在局" in str(caught.value)
    assert "\n" not in str(caught.value)


def _recording_server():
    seen: Counter[str] = Counter()

    def handler(request: Request) -> Response:
        seen[request.path] += 1
        return Response(200, b"<html></html>")

    return seen, handler


@pytest.mark.parametrize(
    ("department", "extra", "expected"),
    [
        ("市不存在局", "", "Error: "),
        ("市发改委", "item_selector = 'li'", "Error: "),
    ],
)
def test_scrapy_crawl_with_a_profile_mistake_says_one_line_and_makes_no_request(
    sqlite_registry_url: str, tmp_path: Path, department: str, extra: str, expected: str
) -> None:
    seen, handler = _recording_server()
    with serving(handler) as server:
        path = write(tmp_path, "wrong", department=department, extra=extra, base=server.url)
        done = scrapy_crawl(sqlite_registry_url, "disclosure", str(path))
    assert done.returncode == 1
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert sum(seen.values()) == 0


def test_sites_check_with_a_missing_profile_is_one_line(sites_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "nowhere"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no site profile 'nowhere'")
    assert result.output.count("\n") == 1


ROUND_1_JPAGE = """name = "中国绍兴"
kind = "portal"
base_url = "{base}"

[[column]]
key = "col1462180"
name = "部门动态"
list_kind = "jpage"
url = "/col/col1229/index.html"
[column.options]
proxy_path = "/module/jpage/dataproxy.jsp"
perpage = 15
"""


def test_a_round_1_jpage_proxy_path_is_dropped_with_a_one_line_note(
    sites_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (sites_dir / "round1.toml").write_text(ROUND_1_JPAGE.format(base="http://a/"), "utf-8")
    profile = load_profile("round1")
    assert profile.column("col1462180").options == {"perpage": 15}
    (note,) = [r.getMessage() for r in caplog.records if r.name == "crawler.profiles"]
    assert "'proxy_path' is no longer read: the proxy path is read from the column page" in note
    assert note.startswith(str(sites_dir / "round1.toml")) and "\n" not in note


SITE_TABLE = """[site]
kind = "portal"
name = "旧写法"
base_url = "http://a/"

[[column]]
key = "c"
name = "c"
list_kind = "trs"
url = "/"
"""


def test_a_site_table_is_read_as_the_scheduler_read_it_with_a_note(
    sites_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (sites_dir / "old.toml").write_text(SITE_TABLE, "utf-8")
    profile = load_profile("old")
    assert (profile.kind, profile.name, profile.spider) == ("portal", "旧写法", "portal")
    assert set(profiles.load_profiles()) == {"old"}
    (note,) = {r.getMessage() for r in caplog.records if r.name == "crawler.profiles"}
    assert "the [site] table is no longer needed: write kind, name, base_url at the top" in note


@pytest.mark.parametrize(
    ("site_table", "message"),
    [
        ('[site]\nkind = "portal"\ntimezone = "UTC"\n', "[site] holds only kind, name, base_url"),
        ('kind = "portal"\n[site]\nkind = "disclosure"\n', "'kind' is written twice"),
    ],
)
def test_a_site_table_with_other_keys_or_a_second_value_is_refused(
    sites_dir: Path, site_table: str, message: str
) -> None:
    body = SITE_TABLE.split("[[column]]")[1]
    text = f'name = "x"\nbase_url = "http://a/"\n{site_table}[[column]]{body}'
    (sites_dir / "twice.toml").write_text(text, "utf-8")
    with pytest.raises(ProfileError, match=re.escape(message)) as caught:
        load_profile("twice")
    assert "\n" not in str(caught.value)


def test_sites_check_asks_with_the_crawlers_user_agent_and_aligns_chinese_by_width(
    sites_dir: Path,
) -> None:
    agents: list[str] = []

    def handler(request: Request) -> Response:
        # http.server reads header bytes as Latin-1; the crawler sends UTF-8.
        agents.append(request.headers.get("user-agent", "").encode("latin-1").decode("utf-8"))
        return Response(200, "<ul><li><a href='/a.html'>通知</a> 2012-03-05</li></ul>".encode())

    profile = 'name = "x"\nkind = "portal"\nbase_url = "{base}"\n'
    profile += '[[column]]\nkey = "tzgg"\nname = "通知公告"\nlist_kind = "trs"\nurl = "/tzgg/"\n'
    profile += '[[column]]\nkey = "公告"\nname = "公告"\nlist_kind = "trs"\nurl = "/gg/"\n'
    with serving(handler) as server:
        (sites_dir / "ua.toml").write_text(profile.format(base=server.url), "utf-8")
        result = CliRunner().invoke(cli, ["check", "ua", "--no-details"])
    assert agents and set(agents) == {project_settings.USER_AGENT}, agents
    assert "ua: columns without a category (not inspected): tzgg, 公告" in result.output
    header, *rows = [
        line for line in result.output.splitlines() if line.startswith(("column", "tzgg", "公告"))
    ]
    kind_at = {display_width(line.split("trs")[0]) for line in rows}
    assert len(kind_at) == 1 and display_width(header.split("kind")[0]) in kind_at, result.output
