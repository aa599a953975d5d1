"""Read the environment in one place.

Every setting that may come from the environment is read here and nowhere else, so that a
deployment's configuration is one list (see ``.env.example``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_VAR_DIR = Path("var")
DEBUG_VARIABLE = "EGOV_DEBUG"
DEFAULT_SQLITE_NAME = "evidence.sqlite"
DEFAULT_HEARTBEAT_LIMIT_SECONDS = 900.0
#: For library calls given no settings: the default above, never the environment.
DEFAULT_HEARTBEAT_LIMIT = dt.timedelta(seconds=DEFAULT_HEARTBEAT_LIMIT_SECONDS)


class SettingsError(ValueError):
    """A variable of the environment has a value the product cannot use (says which)."""


@dataclass(frozen=True)
class Settings:
    """The environment-derived configuration of one process."""

    database_url: str
    var_dir: Path
    rules_file: Path | None
    reports_dir: Path
    sites_dir: Path | None = None
    national_rules_file: Path | None = None
    notify_file: Path | None = None
    wording_file: Path | None = None
    notify_secrets: dict[str, str] = field(default_factory=dict, repr=False)
    session_key: str | None = None
    heartbeat_limit_seconds: float = DEFAULT_HEARTBEAT_LIMIT_SECONDS
    broker_url: str | None = None
    crawl_queue: str = "egov-crawls"

    @property
    def heartbeat_limit(self) -> dt.timedelta:
        """How long a run left ``running`` may stay silent before it counts as dead."""
        return dt.timedelta(seconds=self.heartbeat_limit_seconds)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (the process environment by default).

    ``EGOV_DATABASE_URL``  any SQLAlchemy URL; default ``sqlite:///var/evidence.sqlite``.
    ``EGOV_VAR_DIR``       working files (SQLite file, page archives, locks); default ``var``.
    ``EGOV_RULES_FILE``    the assessment rules file; default the bundled current year.
    ``EGOV_REPORTS_DIR``   where scheduled reports are written; default ``var/reports``.
    ``EGOV_SITES_DIR``     the site profiles (*.toml) crawled and scheduled; default the
                           bundled ``crawler/sites/``.
    ``EGOV_NATIONAL_RULES_FILE``  the national inspection rules; default the bundled 2019 file.
    ``EGOV_NOTIFY_FILE``   the early-warning targets file; default ``db/data/notify.toml``.
    ``EGOV_WORDING_FILE``  the wording lexicon (严重错误 check); default ``db/data/wording.toml``.
    ``EGOV_SECRET_*``      secrets the targets file names as ``${EGOV_SECRET_…}`` (SMTP
                           passwords, DingTalk and WeCom tokens); only these are substituted.
    ``EGOV_SESSION_KEY``   signs the console's session cookies; default: a key generated once
                           and kept in ``EGOV_VAR_DIR/console-secret.key`` (see docs/console.md).
    ``EGOV_HEARTBEAT_LIMIT_SECONDS``  a crawl run still ``running`` with no heartbeat for this
                           long is dead: the next crawl closes it as killed, coverage counts it
                           failed; default 900 (a crawl beats every EGOV_HEARTBEAT_SECONDS, 60).
    ``EGOV_BROKER_URL``    the message broker crawl workers take site crawls from (Celery:
                           ``amqp://…`` RabbitMQ or ``redis://…``); unset: the scheduler crawls
                           on this machine (docs/deployment.md, "Many sites, one machine or
                           several").
    ``EGOV_CRAWL_QUEUE``   the broker's queue of site crawls; default ``egov-crawls``.
    ``EGOV_DEBUG``         ``1``: a command's one-line error also shows its traceback (see
                           :func:`debug_enabled`).
    """
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("EGOV_VAR_DIR") or DEFAULT_VAR_DIR)
    url = env.get("EGOV_DATABASE_URL") or f"sqlite:///{var_dir / DEFAULT_SQLITE_NAME}"
    rules = env.get("EGOV_RULES_FILE")
    reports = env.get("EGOV_REPORTS_DIR")
    sites = env.get("EGOV_SITES_DIR")
    return Settings(
        database_url=url,
        var_dir=var_dir,
        rules_file=Path(rules) if rules else None,
        reports_dir=Path(reports) if reports else var_dir / "reports",
        sites_dir=Path(sites) if sites else None,
        national_rules_file=_path(env.get("EGOV_NATIONAL_RULES_FILE")),
        notify_file=_path(env.get("EGOV_NOTIFY_FILE")),
        wording_file=_path(env.get("EGOV_WORDING_FILE")),
        notify_secrets={k: v for k, v in env.items() if k.startswith(SECRET_PREFIX)},
        session_key=env.get("EGOV_SESSION_KEY") or None,
        heartbeat_limit_seconds=_seconds(
            env, "EGOV_HEARTBEAT_LIMIT_SECONDS", DEFAULT_HEARTBEAT_LIMIT_SECONDS
        ),
        broker_url=env.get("EGOV_BROKER_URL") or None,
        crawl_queue=env.get("EGOV_CRAWL_QUEUE") or "egov-crawls",
    )


SECRET_PREFIX = "EGOV_SECRET_"


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number of seconds from ``env``; a bad value names the variable."""
    value = env.get(name)
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {value!r}") from None
    if seconds <= 0:
        raise SettingsError(f"{name} must be positive, got {value!r}")
    return seconds


def debug_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether EGOV_DEBUG asks for tracebacks: read apart from :func:`load_settings`, which may
    itself be what failed."""
    env = os.environ if environ is None else environ
    return env.get(DEBUG_VARIABLE, "").strip().lower() in ("1", "true", "yes")
