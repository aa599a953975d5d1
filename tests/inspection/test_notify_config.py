"""The notification targets file: routes as data, secrets only from EGOV_SECRET_ variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.cli import cli
from scoring.warnings.notify import NotifyConfigError, load_notify_config, resolve_url

GOOD = """
[target.center]
url = "json://127.0.0.1:9/hook/${EGOV_SECRET_HOOK}"
description = "市电子政务中心"
[target.fgw]
url = "dingtalk://${EGOV_SECRET_FGW_TOKEN}/"
[target.portal-team]
url = "form://127.0.0.1:9/portal"
[target.jxw]
url = "wecombot://${EGOV_SECRET_JXW_KEY}"

[routes]
default = ["center"]
copy = ["center"]
[routes.department]
"市发改委" = ["fgw"]
[routes.site]
"sx-portal" = ["portal-team"]
"""


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notify.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_file_routes_nothing_until_targets_are_added():
    config = load_notify_config()
    assert config.targets == {} and config.route("市发改委", "sx-portal") == ()


def test_a_finding_goes_to_its_department_else_its_site_else_the_default_and_to_copies(tmp_path):
    config = load_notify_config(_file(tmp_path, GOOD))
    assert config.route("市发改委", "sx-portal") == ("fgw", "center")
    assert config.route(None, "sx-portal") == ("portal-team", "center")
    assert config.route("市经信委", "sx-xxgk") == ("center",)


def test_secrets_are_filled_from_the_environment_only_when_sending(tmp_path):
    config = load_notify_config(_file(tmp_path, GOOD))
    url = resolve_url(config, config.targets["fgw"], {"EGOV_SECRET_FGW_TOKEN": "abc123"})
    assert url == "dingtalk://abc123/"
    with pytest.raises(NotifyConfigError, match=r"fgw › url: \$\{EGOV_SECRET_FGW_TOKEN\} is not"):
        resolve_url(config, config.targets["fgw"], {})


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('default = ["center"]', 'default = ["centre"]', "routes › default: no target 'centre'"),
        (
            "${EGOV_SECRET_HOOK}",
            "${EGOV_DATABASE_URL}",
            "target › center › url: ${EGOV_DATABASE_URL} must name an EGOV_SECRET_… variable",
        ),
        ("[routes.site]", "[routes.sites]", "routes: unknown key 'sites'"),
        ('url = "form://', 'link = "form://', "target › portal-team: unknown key 'link'"),
    ],
)
def test_a_mistake_in_the_targets_file_is_one_line(tmp_path, old, new, message):
    path = _file(tmp_path, GOOD.replace(old, new))
    with pytest.raises(NotifyConfigError) as raised:
        load_notify_config(path)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)


def test_targets_command_checks_every_target_without_printing_urls(tmp_path):
    path = _file(tmp_path, GOOD)
    env = {
        "EGOV_NOTIFY_FILE": str(path),
        "EGOV_SECRET_HOOK": "hook-secret",
        "EGOV_SECRET_FGW_TOKEN": "0123456789abcdef",
        "EGOV_SECRET_JXW_KEY": "fedcba9876543210",
    }
    result = CliRunner().invoke(cli, ["warnings", "targets", "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    assert "fgw,dingtalk,,department 市发改委" in result.stdout
    assert 'center,json,市电子政务中心,"default, copy"' in result.stdout
    assert "jxw,wecombot,," in result.stdout  # WeCom group bots are accepted too
    assert "hook-secret" not in result.output and "0123456789abcdef" not in result.output

    unset = CliRunner().invoke(
        cli, ["warnings", "targets"], env={**env, "EGOV_SECRET_FGW_TOKEN": None}
    )
    assert unset.exit_code == 1
    assert unset.output.strip() == (
        f"Error: {path}: target › fgw › url: ${{EGOV_SECRET_FGW_TOKEN}} is not set in the "
        "environment"
    )
    empty = CliRunner().invoke(
        cli, ["warnings", "targets"], env={**env, "EGOV_SECRET_FGW_TOKEN": ""}
    )
    assert empty.exit_code == 1
    assert empty.output.strip() == (
        f"Error: {path}: target › fgw › url: Apprise does not accept this dingtalk:// URL"
    )
