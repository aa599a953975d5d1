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
from typing import Annotated, Any, ClassVar

import apprise
from apprise import AppriseAsset, NotifyFormat
from apprise.common import PersistentStoreMode
from pydantic import Field, PlainValidator, ValidationInfo, field_validator

from db.config import Settings
from db.datafiles import DataFileError, FileModel, Text, expect, validate

DEFAULT_NOTIFY_FILE = Path(__file__).resolve().parents[2] / "db" / "data" / "notify.toml"
SECRET_PREFIX = "EGOV_SECRET_"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class NotifyConfigError(DataFileError):
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


class _TargetFile(FileModel):
    keys_named_in_errors: ClassVar[bool] = True

    url: Annotated[str, expect("an Apprise URL", lambda v: isinstance(v, str) and "://" in v)]
    description: Text = ""

    @field_validator("url")
    @classmethod
    def _secrets_by_prefix(cls, url: str) -> str:
        for secret in _PLACEHOLDER.findall(url):
            if not secret.startswith(SECRET_PREFIX):
                raise ValueError(f"${{{secret}}} must name an {SECRET_PREFIX}… variable")
        return url


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError("a name of letters, digits, '-', '_', '.'")
    return name


def _target_names(value: Any, info: ValidationInfo) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of target names")
    targets = (info.context or {}).get("targets", ())
    unknown = [v for v in value if v not in targets]
    if unknown:
        known = ", ".join(targets) or "none"
        raise ValueError(f"no target '{unknown[0]}' (targets: {known})")
    return tuple(value)


TargetNames = Annotated[tuple[str, ...], PlainValidator(_target_names)]


def _check_table(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("expected a table")
    return value


class _RoutesFile(FileModel):
    keys_named_in_errors: ClassVar[bool] = True

    default: TargetNames = ()
    copy_to: TargetNames = Field((), alias="copy")  # ``copy`` is a pydantic method
    department: dict[str, TargetNames] = Field(default_factory=dict)
    site: dict[str, TargetNames] = Field(default_factory=dict)

    @field_validator("department", "site", mode="before")
    @classmethod
    def _a_table(cls, value: Any) -> Any:
        return _check_table(value)


class _NotifyFile(FileModel):
    """The targets file: ``[target.<name>]`` tables and ``[routes]``."""

    keys_named_in_errors: ClassVar[bool] = True

    target: dict[Annotated[str, PlainValidator(_check_name)], _TargetFile] = Field(
        default_factory=dict
    )
    routes: _RoutesFile = Field(default_factory=_RoutesFile)


def load_notify_config(path: Path = DEFAULT_NOTIFY_FILE) -> NotifyConfig:
    """Read and check the targets file; raise :class:`NotifyConfigError` on the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise NotifyConfigError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise NotifyConfigError(f"{path}: not valid TOML: {error}") from error
    targets = data.get("target")
    context = {"targets": list(targets) if isinstance(targets, dict) else []}
    file = validate(_NotifyFile, data, str(path), context=context, error=NotifyConfigError)
    return NotifyConfig(
        path=path,
        targets={
            name: Target(name, table.url, table.description) for name, table in file.target.items()
        },
        default=file.routes.default,
        copy=file.routes.copy_to,
        departments=dict(file.routes.department),
        sites=dict(file.routes.site),
    )


def notify_path_in_force(settings: Settings) -> Path:
    """The targets file in force: ``EGOV_NOTIFY_FILE``, else ``db/data/notify.toml``."""
    return settings.notify_file or DEFAULT_NOTIFY_FILE


def notify_config_in_force(settings: Settings) -> NotifyConfig:
    """Load the targets file in force (the one the warnings are sent by)."""
    return load_notify_config(notify_path_in_force(settings))


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
