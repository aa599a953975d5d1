"""Load site profiles: where a site is, its columns (栏目) and how their pages are laid out.

A profile is ``crawler/sites/<key>.toml``; adding a site or a column needs no code::

    name = "中国绍兴"
    kind = "portal"                      # portal | disclosure
    base_url = "https://www.sx.gov.cn"
    timezone = "Asia/Shanghai"           # zone of dates written on pages without one

    [politeness]                         # all optional; copied into Scrapy settings
    concurrency = 2                      # CONCURRENT_REQUESTS_PER_DOMAIN
    delay = 1.0                          # DOWNLOAD_DELAY, seconds
    autothrottle = true                  # AUTOTHROTTLE_ENABLED

    [detail]                             # optional fallback selectors for detail pages
    title = "css:h1.title"               # css:… or xpath:…
    published = "xpath://span[@id='pubdate']"
    source = "css:.source"

    [[column]]
    key = "bmdt"
    name = "部门动态"
    list_kind = "jpage"                  # jpage | trs | generic | xxgk (disclosure module)
    url = "/col/col1229/index.html"      # relative to base_url
    expects_items = true                 # a healthy crawl finds at least one item here
    department = "市发改委"              # optional: the column belongs to one unit
    category = "dynamic"                 # optional: 栏目类别 for the national inspection
    [column.options]                     # list-kind specific, see crawler/listing/*.py

    [inspection]                         # optional: probes and link checks, see
                                         # crawler/inspection/site.py

A spider calls :func:`load_profile` with ``-a site`` and ``-a base_url`` (which replaces the
declared base URL, e.g. for a sample site on an ephemeral port).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

SITES_DIR = Path(__file__).with_name("sites")
SITE_KINDS = ("portal", "disclosure")
LIST_KINDS = ("jpage", "trs", "generic", "xxgk")
_SITE_KEYS = {"name", "kind", "base_url", "timezone", "politeness", "detail", "column"}
_SITE_KEYS |= {"inspection"}
_COLUMN_KEYS = {"key", "name", "list_kind", "url", "expects_items", "department", "options"}
_COLUMN_KEYS |= {"category"}
_POLITENESS = {
    "concurrency": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
    "delay": ("DOWNLOAD_DELAY", float),
    "autothrottle": ("AUTOTHROTTLE_ENABLED", bool),
    "autothrottle_target_concurrency": ("AUTOTHROTTLE_TARGET_CONCURRENCY", float),
    "autothrottle_max_delay": ("AUTOTHROTTLE_MAX_DELAY", float),
    "timeout": ("DOWNLOAD_TIMEOUT", float),
    "retry_times": ("RETRY_TIMES", int),
}


class ProfileError(ValueError):
    """A profile is missing or malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ColumnProfile:
    """One column of a site; ``url`` is absolute against the effective base URL."""

    key: str
    name: str
    list_kind: str
    url: str
    declared_url: str
    expects_items: bool = True
    department: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    category: str | None = None


@dataclass(frozen=True)
class SiteProfile:
    """A parsed profile; ``base_url`` is where we crawl, ``declared_base_url`` the site's own."""

    key: str
    name: str
    kind: str
    base_url: str
    declared_base_url: str
    timezone: str
    columns: tuple[ColumnProfile, ...]
    politeness: dict[str, Any] = field(default_factory=dict)
    detail_selectors: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    inspection: dict[str, Any] = field(default_factory=dict)

    @property
    def allowed_domains(self) -> list[str]:
        return sorted({urlsplit(self.base_url).hostname or "", _host(self.declared_base_url)})

    def scrapy_settings(self) -> dict[str, Any]:
        """Return the Scrapy settings the profile's [politeness] table asks for."""
        return {_POLITENESS[k][0]: v for k, v in self.politeness.items()}

    def column(self, key: str) -> ColumnProfile:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def load_profile(key: str, base_url: str | None = None, sites_dir: Path = SITES_DIR) -> SiteProfile:
    """Read ``<sites_dir>/<key>.toml``; raise :class:`ProfileError` on the first problem."""
    path = sites_dir / f"{key}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        known = ", ".join(sorted(p.stem for p in sites_dir.glob("*.toml"))) or "none"
        raise ProfileError(f"no site profile {key!r} ({path}); known: {known}") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error
    return parse_profile(key, data, base_url, path)


def parse_profile(
    key: str, data: dict[str, Any], base_url: str | None = None, path: Path | None = None
) -> SiteProfile:
    """Validate a profile's data and resolve its column URLs against the effective base."""
    where = str(path or key)
    unknown = set(data) - _SITE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {sorted(unknown)}")
    for name in ("name", "kind", "base_url"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise ProfileError(f"{where}: {name!r} must be a non-empty string")
    if data["kind"] not in SITE_KINDS:
        raise ProfileError(f"{where}: kind must be one of {SITE_KINDS}, got {data['kind']!r}")
    declared = data["base_url"].rstrip("/") + "/"
    effective = (base_url or declared).rstrip("/") + "/"
    politeness = data.get("politeness", {})
    for name, value in politeness.items():
        if name not in _POLITENESS:
            raise ProfileError(f"{where}: unknown politeness setting {name!r}")
        if not isinstance(value, _POLITENESS[name][1] | int):
            raise ProfileError(f"{where}: politeness.{name} has the wrong type")
    columns = []
    for index, raw in enumerate(data.get("column", []), 1):
        columns.append(_column(f"{where}: column #{index}", raw, declared, effective))
    if not columns:
        raise ProfileError(f"{where}: a profile needs at least one [[column]]")
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise ProfileError(f"{where}: column keys must be unique, got {keys}")
    return SiteProfile(
        key=key,
        name=data["name"],
        kind=data["kind"],
        base_url=effective,
        declared_base_url=declared,
        timezone=data.get("timezone", "Asia/Shanghai"),
        columns=tuple(columns),
        politeness=dict(politeness),
        detail_selectors=dict(data.get("detail", {})),
        path=path,
        inspection=dict(data.get("inspection", {})),
    )


def _column(where: str, raw: dict[str, Any], declared: str, effective: str) -> ColumnProfile:
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {sorted(unknown)}")
    for name in ("key", "name", "list_kind", "url"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ProfileError(f"{where}: {name!r} must be a non-empty string")
    if raw["list_kind"] not in LIST_KINDS:
        raise ProfileError(f"{where}: list_kind must be one of {LIST_KINDS}")
    return ColumnProfile(
        key=raw["key"],
        name=raw["name"],
        list_kind=raw["list_kind"],
        url=urljoin(effective, raw["url"]),
        declared_url=urljoin(declared, raw["url"]),
        expects_items=bool(raw.get("expects_items", True)),
        department=raw.get("department"),
        options=dict(raw.get("options", {})),
        category=_category(where, raw.get("category")),
    )


def _category(where: str, value: Any) -> str | None:
    """The column's category key; which keys exist is the national rules file's business."""
    if value is not None and (not isinstance(value, str) or not value):
        raise ProfileError(f"{where}: 'category' must be a non-empty string")
    return value
