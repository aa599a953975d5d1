"""Notification targets (通知对象) and sending through Apprise: email, DingTalk, WeCom, webhooks.

The targets file (``db/data/notify.toml``, or ``EGOV_NOTIFY_FILE``) is data::

    [target.center-mail]                 # a name, and an Apprise URL
    url = "mailtos://${EGOV_SECRET_SMTP_USER}:${EGOV_SECRET_SMTP_PASSWORD}@smtp.example.gov.cn?to=egov@example.gov.cn"
    [target.fgw-dingtalk]
    url = "dingtalk://${EGOV_SECRET_FGW_DINGTALK}/"

    [routes]
    default = ["center-mail"]            # findings of units without a route of their own
    copy = []                            # every finding goes here too
    [routes.department]
    "市发改委" = ["fgw-dingtalk"]          # by department short name (简称)
    [routes.site]
    "sx-portal" = ["center-mail"]        # column findings of a site without a department

Secrets never live in the file: ``${EGOV_SECRET_…}`` is replaced, when a message is sent, by
that environment variable (read in :mod:`db.config`); only ``EGOV_SECRET_`` variables can be
named. The stored deliveries name targets, never URLs.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import apprise
from apprise import AppriseAsset, NotifyFormat
from apprise.common import PersistentStoreMode

DEFAULT_NOTIFY_FILE = Path(__file__).resolve().parents[2] / "db" / "data" / "notify.toml"
SECRET_PREFIX = "EGOV_SECRET_"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class NotifyConfigError(ValueError):
    """The targets file is wrong, or a secret it names is not set; one line says where."""


@dataclass(frozen=True)
class Target:
    name: str
    url: str  # with ${EGOV_SECRET_…} placeholders
    description: str = ""

    @property
    def service(self) -> str:
        """The scheme alone (mailtos, dingtalk…): safe to print, unlike the URL."""
        return self.url.split("://", 1)[0]


@dataclass(frozen=True)
class NotifyConfig:
    path: Path
    targets: dict[str, Target]
    default: tuple[str, ...]
    copy: tuple[str, ...]
    departments: dict[str, tuple[str, ...]]
    sites: dict[str, tuple[str, ...]]

    def route(self, department: str | None, site: str | None) -> tuple[str, ...]:
        """The targets of a finding: its department's, else its site's, else the default."""
        if department and department in self.departments:
            chosen = self.departments[department]
        elif site and site in self.sites:
            chosen = self.sites[site]
        else:
            chosen = self.default
        return tuple(dict.fromkeys((*chosen, *self.copy)))


def load_notify_config(path: Path = DEFAULT_NOTIFY_FILE) -> NotifyConfig:
    """Read and check the targets file; raise :class:`NotifyConfigError` on the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise NotifyConfigError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise NotifyConfigError(f"{path}: not valid TOML: {error}") from error
    _keys(path, "", data, {"target", "routes"})
    targets = {}
    for name, raw in data.get("target", {}).items():
        where = f"target › {name}"
        if not _NAME.fullmatch(name):
            raise NotifyConfigError(f"{path}: {where}: a name of letters, digits, '-', '_', '.'")
        _keys(path, where, raw, {"url", "description"})
        url = raw.get("url")
        if not isinstance(url, str) or "://" not in url:
            raise NotifyConfigError(f"{path}: {where} › url: expected an Apprise URL")
        for secret in _PLACEHOLDER.findall(url):
            if not secret.startswith(SECRET_PREFIX):
                raise NotifyConfigError(
                    f"{path}: {where} › url: ${{{secret}}} must name an {SECRET_PREFIX}… variable"
                )
        targets[name] = Target(name, url, str(raw.get("description", "")))
    routes = data.get("routes", {})
    _keys(path, "routes", routes, {"default", "copy", "department", "site"})

    def names(where: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise NotifyConfigError(f"{path}: {where}: expected a list of target names")
        unknown = [v for v in value if v not in targets]
        if unknown:
            known = ", ".join(targets) or "none"
            raise NotifyConfigError(f"{path}: {where}: no target '{unknown[0]}' (targets: {known})")
        return tuple(value)

    def table(key: str) -> dict[str, tuple[str, ...]]:
        raw = routes.get(key, {})
        if not isinstance(raw, dict):
            raise NotifyConfigError(f"{path}: routes › {key}: expected a table")
        return {name: names(f"routes › {key} › {name}", value) for name, value in raw.items()}

    return NotifyConfig(
        path=path,
        targets=targets,
        default=names("routes › default", routes.get("default", [])),
        copy=names("routes › copy", routes.get("copy", [])),
        departments=table("department"),
        sites=table("site"),
    )


def _keys(path: Path, where: str, raw: Any, allowed: set[str]) -> None:
    if not isinstance(raw, dict):
        raise NotifyConfigError(f"{path}: {where or 'the file'}: expected a table")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        expected = ", ".join(sorted(allowed))
        raise NotifyConfigError(
            f"{path}: {where + ': ' if where else ''}unknown key '{unknown[0]}' "
            f"(expected one of: {expected})"
        )


def resolve_url(config: NotifyConfig, target: Target, secrets: dict[str, str]) -> str:
    """The target's URL with its secrets filled in from the environment."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in secrets:
            raise NotifyConfigError(
                f"{config.path}: target › {target.name} › url: ${{{name}}} is not set in the "
                "environment"
            )
        return secrets[name]

    return _PLACEHOLDER.sub(fill, target.url)


def check_target(config: NotifyConfig, target: Target, secrets: dict[str, str]) -> None:
    """Raise :class:`NotifyConfigError` unless the URL is complete and Apprise can use it."""
    if not _apprise().add(resolve_url(config, target, secrets)):
        raise NotifyConfigError(
            f"{config.path}: target › {target.name} › url: Apprise does not accept this "
            f"{target.service}:// URL"
        )


def send(url: str, title: str, body: str) -> str | None:
    """Send one message; return None when it was delivered, else why it was not."""
    notifier = _apprise()
    if not notifier.add(url):
        return "Apprise does not accept the URL"
    with apprise.LogCapture(level=logging.WARNING) as log:
        delivered = notifier.notify(title=title, body=body, body_format=NotifyFormat.TEXT)
    if delivered:
        return None
    return (log.getvalue().strip().splitlines() or ["not delivered"])[-1][:500]


def _apprise() -> apprise.Apprise:
    # In memory: no cache files written beside the product.
    return apprise.Apprise(asset=AppriseAsset(storage_mode=PersistentStoreMode.MEMORY))
