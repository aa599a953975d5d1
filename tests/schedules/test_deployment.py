"""The deployment files: compose services, their order, environment and secrets, the image.

The files are parsed and checked against what the code expects: the commands they run exist,
the database URL they build is one the app can use, and every variable they need is in
.env.example with no secret in the repository. deploy/check.sh (make deploy-check) runs them
for real on a machine with a Docker engine.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click import Group
from sqlalchemy.engine import make_url

from db.config import load_settings
from schedules.cli import cli as schedules_cli
from scoring.cli import cli as scoring_cli

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<arg>[^}]*))?\}")


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def env_example() -> dict[str, str]:
    entries = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            entries[name.strip()] = value.strip()
    return entries


def interpolate(text: str, env: dict[str, str]) -> str:
    """Substitute ${VAR}, ${VAR:-default} and ${VAR:?error} as docker compose does."""

    def substitute(match: re.Match[str]) -> str:
        value = env.get(match["name"], "")
        if match["op"] == ":-":
            return value or match["arg"]
        if match["op"] == ":?" and not value:
            raise ValueError(match["arg"])
        return value

    return VARIABLE.sub(substitute, text.replace("$$", "\0")).replace("\0", "$")


def run_command(group: Group, words: list[str]) -> None:
    """Fail unless ``words`` names an existing subcommand path of ``group``."""
    command = group
    for word in words:
        if not isinstance(command, Group) or word.startswith("-"):
            break
        assert word in command.commands, f"{' '.join(words)}: no command {word!r}"
        command = command.commands[word]


def shell_commands(service: dict) -> list[list[str]]:
    command = service["command"]
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


def test_services_start_in_order_db_healthy_then_migration_then_scheduler():
    services = compose()["services"]
    assert set(services) == {
        "db",
        "migrate",
        "scheduler",
        "console",
        "backup",
        "broker",
        "crawl-worker",
    }
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["scheduler"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["console"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    assert services["backup"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("db", "scheduler", "console", "backup", "broker", "crawl-worker"):
        assert services[name]["restart"] == "unless-stopped"


def test_every_long_running_service_has_a_healthcheck_and_the_host_network():
    services = compose()["services"]
    for name, service in services.items():
        assert service["network_mode"] == "host", name
        if name != "migrate":
            assert service["healthcheck"]["test"], name


def test_ports_leave_the_machines_postgres_redis_and_rabbitmq_alone():
    env = env_example()
    ports = {int(env[name]) for name in env if name.endswith("_PORT")}
    assert len(ports) >= 5 and not ports & {5432, 6379, 5672, 25672, 4369}
    services = compose()["services"]
    assert "listen_addresses=127.0.0.1" in services["db"]["command"]
    serve = ["scoring", "serve", "--host", "127.0.0.1", "--port"]
    assert services["console"]["command"][:5] == serve
    run_command(scoring_cli, ["serve"])


def test_database_has_a_volume_and_a_healthcheck():
    spec = compose()
    db = spec["services"]["db"]
    assert interpolate(db["image"], {}).startswith("postgres:")  # the public image by default
    volume = next(v for v in db["volumes"] if v.endswith(":/var/lib/postgresql/data"))
    assert volume.split(":")[0] in spec["volumes"]
    test = db["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL" and "pg_isready" in test[1]


def test_services_run_commands_that_exist():
    services = compose()["services"]
    migrate = shell_commands(services["migrate"])
    assert migrate == [["scoring", "db", "upgrade"], ["scoring", "departments", "import"]]
    for words in migrate:
        run_command(scoring_cli, words[1:])
    assert services["scheduler"]["command"] == ["schedules", "run"]
    run_command(schedules_cli, ["run"])
    assert services["crawl-worker"]["command"] == ["schedules", "worker"]
    run_command(schedules_cli, ["worker"])


def test_the_broker_and_crawl_workers_start_only_with_the_workers_profile():
    services = compose()["services"]
    assert services["broker"]["profiles"] == services["crawl-worker"]["profiles"] == ["workers"]
    assert services["crawl-worker"]["depends_on"]["broker"] == {"condition": "service_healthy"}
    assert "EGOV_BROKER_URL" in services["crawl-worker"]["environment"]
    assert all("profiles" not in services[name] for name in ("db", "scheduler", "console"))
    assert "schedules" in (ROOT / "Dockerfile").read_text().split("CMD", 1)[1]


@pytest.mark.parametrize("service", ["migrate", "scheduler"])
def test_app_services_get_a_postgres_url_built_from_env_file_values(service):
    environment = compose()["services"][service]["environment"]
    env = env_example()
    resolved = {name: interpolate(str(value), env) for name, value in environment.items()}
    settings = load_settings(resolved)
    url = make_url(settings.database_url)
    assert url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg"
    port = int(env["EGOV_DB_PORT"])
    assert (url.host, url.port, url.database) == ("127.0.0.1", port, env["POSTGRES_DB"])
    assert (url.username, url.password) == (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"])
    assert settings.reports_dir == Path("/app/var/reports")
    assert settings.rules_file is None  # empty means the bundled rules
    volumes = compose()["services"][service]["volumes"]
    assert any(v.endswith(":/app/var") for v in volumes)


def test_no_secret_in_the_compose_file_and_every_variable_documented():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    names = {match["name"] for match in VARIABLE.finditer(text)}
    assert names <= set(env_example()), f"not in .env.example: {names - set(env_example())}"
    db_env = compose()["services"]["db"]["environment"]
    assert VARIABLE.fullmatch(db_env["POSTGRES_PASSWORD"]), "password must come from the env"
    # Without a password, compose refuses to start rather than using a default one.
    with pytest.raises(ValueError, match="POSTGRES_PASSWORD"):
        interpolate(db_env["POSTGRES_PASSWORD"], {})


def test_env_file_is_ignored_by_git_and_by_docker_builds():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored
    docker_ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".env", ".venv", "var/"} <= set(docker_ignored)


def test_image_installs_the_locked_dependencies_on_python_3_11_slim():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_BASE=python:3\.11-slim\b", dockerfile, re.MULTILINE)
    assert re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE) == ["${PYTHON_BASE}"] * 2
    assert "COPY pyproject.toml uv.lock" in dockerfile
    syncs = re.findall(r"uv sync ([^\n\\&]*)", dockerfile)
    assert syncs and all("--frozen" in s and "--no-dev" in s for s in syncs)
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE)
