"""Load site profiles: where a site is, its columns (栏目) and how their pages are laid out.

A profile is a TOML file; adding a site or a column needs no code (``docs/sites.md`` describes
every key and option, and ``sites discover`` writes profiles)::

    name = "中国绍兴"
    kind = "portal"                      # portal | disclosure
    base_url = "https://www.sx.gov.cn"
    timezone = "Asia/Shanghai"           # zone of dates written on pages without one

    [politeness]                         # all optional; copied into Scrapy settings
    concurrency = 2                      # CONCURRENT_REQUESTS_PER_DOMAIN
    delay = 1.0                          # DOWNLOAD_DELAY, seconds

    [detail]                             # optional fallback selectors for detail pages
    published = "xpath://span[@id='pubdate']"

    [catalogue]                          # disclosure: catalogue column id in article links
    "1229" = "市发改委"                  # (/art/…/art_1229_77.html) -> department

    [[column]]
    key = "bmdt"
    name = "部门动态"
    list_kind = "jpaas"                  # jpaas | jpage | trs | generic | xxgk
    url = "/col/col1229/index.html"      # relative to base_url
    expects_items = true                 # a healthy crawl finds at least one item here
    department = "市发改委"              # optional: short name, full name or alias
    category = "dynamic"                 # optional: 栏目类别 for the national inspection
    [column.options]                     # list-kind specific: LIST_KIND_OPTIONS below

    [inspection]                         # optional: probes and link checks, see
                                         # crawler/inspection/site.py
    [[letters.column]]                   # optional: consultation columns (信箱), see
                                         # crawler/interaction/settings.py

Profiles live in the directory ``EGOV_SITES_DIR`` names (default ``crawler/sites/``); a spider's
``-a site=`` takes a profile key in that directory or a path to a ``.toml`` file (its key is
the file name without ``.toml``). ``-a base_url=`` replaces the declared base URL (a sample
site on an ephemeral port). Every mistake is a :class:`ProfileError` naming the file and the
entry, raised before any request; department names are checked against the registry by
:mod:`crawler.departments`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.disclosure import xxgk
from crawler.listing import jpaas, jpage
from db.config import load_settings

BUNDLED_SITES_DIR = Path(__file__).with_name("sites")
SITE_KINDS = ("portal", "disclosure")
# Options each list kind reads, with their types, and a check of their values.
LIST_KIND_OPTIONS: dict[str, dict[str, type]] = {
    "jpaas": jpaas.OPTIONS,
    "jpage": jpage.OPTIONS,
    "trs": {"item": str, "prefix": str, "suffix": str},
    "generic": {"item": str, "link": str, "title": str, "date": str, "next": str},
    "xxgk": xxgk.OPTIONS,
}
LIST_KINDS = tuple(LIST_KIND_OPTIONS)
_OPTION_CHECKS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "jpaas": jpaas.check_options,
    "jpage": jpage.check_options,
    "generic": lambda o: [] if o.get("item") else ["options.item (one list item) is required"],
}
_SITE_KEYS = {
    "name", "kind", "base_url", "timezone", "politeness", "detail", "catalogue", "column",
    "inspection", "letters",
}  # fmt: skip
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
    catalogue: dict[str, str] = field(default_factory=dict)
    inspection: dict[str, Any] = field(default_factory=dict)
    letters: dict[str, Any] = field(default_factory=dict)  # crawler/interaction/settings.py

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

    def department_names(self) -> set[str]:
        """Every department name the profile writes (columns and catalogue)."""
        names = {c.department for c in self.columns if c.department}
        return names | set(self.catalogue.values())

    def with_departments(self, short_names: dict[str, str]) -> SiteProfile:
        """Return the profile with each department name replaced by its short name."""
        columns = tuple(
            replace(c, department=short_names.get(c.department, c.department))
            if c.department
            else c
            for c in self.columns
        )
        catalogue = {k: short_names.get(v, v) for k, v in self.catalogue.items()}
        return replace(self, columns=columns, catalogue=catalogue)


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def sites_dir() -> Path:
    """Return the profile directory in force: ``EGOV_SITES_DIR``, else ``crawler/sites/``."""
    return load_settings().sites_dir or BUNDLED_SITES_DIR


def profile_path(site: str, directory: Path | None = None) -> Path:
    """Return the file of ``site``: a path to a ``.toml`` file, or a key in the directory."""
    if site.endswith(".toml") or "/" in site or "\\" in site:
        return Path(site)
    return (directory or sites_dir()) / f"{site}.toml"


def load_profile(
    site: str, base_url: str | None = None, sites_dir: Path | None = None
) -> SiteProfile:
    """Read a profile by key or path; raise :class:`ProfileError` on the first problem."""
    path = profile_path(site, sites_dir)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        if path.suffix == ".toml" and site.endswith(".toml"):
            raise ProfileError(f"no site profile file {path}") from error
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.toml"))) or "none"
        raise ProfileError(f"no site profile {site!r} ({path}); known: {known}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error
    return parse_profile(path.stem, data, base_url, path)


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
    catalogue = data.get("catalogue", {})
    if not isinstance(catalogue, dict) or not all(
        isinstance(v, str) and v for v in catalogue.values()
    ):
        raise ProfileError(f"{where}: [catalogue] maps column ids to department names")
    columns = []
    for index, raw in enumerate(data.get("column", []), 1):
        label = f"{where}: column #{index} ({raw.get('key', '?')})"
        columns.append(_column(label, raw, declared, effective))
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
        catalogue={str(k): v for k, v in catalogue.items()},
        inspection=dict(data.get("inspection", {})),
        letters=dict(data.get("letters", {})),
    )


def _check_options(where: str, list_kind: str, options: Any) -> dict[str, Any]:
    if not isinstance(options, dict):
        raise ProfileError(f"{where}: options must be a table")
    known = LIST_KIND_OPTIONS[list_kind]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ProfileError(
            f"{where}: unknown option(s) {unknown} for list_kind {list_kind!r} "
            f"(known: {', '.join(known) or 'none'})"
        )
    for name, value in options.items():
        expected = known[name]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ProfileError(f"{where}: options.{name} must be {expected.__name__}")
    problems = _OPTION_CHECKS.get(list_kind, lambda o: [])(options)
    if problems:
        raise ProfileError(f"{where}: {'; '.join(problems)}")
    return dict(options)


def _column(where: str, raw: dict[str, Any], declared: str, effective: str) -> ColumnProfile:
    unknown = set(raw) - _COLUMN_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {sorted(unknown)}")
    for name in ("key", "name", "list_kind", "url"):
        if not isinstance(raw.get(name), str) or not raw[name]:
            raise ProfileError(f"{where}: {name!r} must be a non-empty string")
    if raw["list_kind"] not in LIST_KINDS:
        raise ProfileError(f"{where}: list_kind must be one of {LIST_KINDS}")
    department = raw.get("department")
    if department is not None and (not isinstance(department, str) or not department.strip()):
        raise ProfileError(f"{where}: 'department' must be a non-empty string")
    return ColumnProfile(
        key=raw["key"],
        name=raw["name"],
        list_kind=raw["list_kind"],
        url=urljoin(effective, raw["url"]),
        declared_url=urljoin(declared, raw["url"]),
        expects_items=bool(raw.get("expects_items", True)),
        department=department,
        options=_check_options(where, raw["list_kind"], raw.get("options", {})),
        category=_category(where, raw.get("category")),
    )


def _category(where: str, value: Any) -> str | None:
    """The column's category key; which keys exist is the national rules file's business."""
    if value is not None and (not isinstance(value, str) or not value):
        raise ProfileError(f"{where}: 'category' must be a non-empty string")
    return value
