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
site on an ephemeral port). This module is the one reader of profiles: the crawler, the
onboarding commands and the scheduler all read them here (:func:`load_profile`,
:func:`load_profiles`). The shape is declared as :class:`db.datafiles.FileModel` models, so
every mistake is a :class:`ProfileError` in one line naming the file and the place
(``column #1 (bmdt) › options › group: …``), raised before any request; department names are
checked against the registry by :mod:`crawler.departments`.

Older profiles keep loading, each with a one-line note: a jpage column's ``proxy_path`` (the
proxy path is now read from the column page) is dropped, and a ``[site]`` table holding
``kind``/``name``/``base_url`` (which the scheduler once read) is read as top-level keys.
"""

from __future__ import annotations

import logging
import tomllib
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Union
from urllib.parse import urljoin, urlsplit

from pydantic import (
    Field,
    Strict,
    StrictBool,
    StrictStr,
    ValidationError,
    create_model,
    model_validator,
)

from crawler.disclosure import xxgk
from crawler.listing import jpaas, jpage
from db.config import load_settings
from db.datafiles import LOCATION_SEPARATOR, DataFileError, FileModel, OutdatedKeyWarning, describe
from db.models.crawling import SiteKind

logger = logging.getLogger(__name__)

BUNDLED_SITES_DIR = Path(__file__).with_name("sites")
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
# Options a list kind no longer reads: the option, and what to do instead.
_REMOVED_OPTIONS: dict[str, dict[str, str]] = {
    "jpage": {
        "proxy_path": "the proxy path is read from the column page; delete the line",
    },
}
# Profile key -> Scrapy setting it sets.
_POLITENESS = {
    "concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "delay": "DOWNLOAD_DELAY",
    "autothrottle": "AUTOTHROTTLE_ENABLED",
    "autothrottle_target_concurrency": "AUTOTHROTTLE_TARGET_CONCURRENCY",
    "autothrottle_max_delay": "AUTOTHROTTLE_MAX_DELAY",
    "timeout": "DOWNLOAD_TIMEOUT",
    "retry_times": "RETRY_TIMES",
}
# Keys a ``[site]`` table may hold: the scheduler once read them there.
_SITE_TABLE_KEYS = ("kind", "name", "base_url")

# Where a home page lists its dated items, unless ``[inspection] home_items`` says.
DEFAULT_HOME_ITEMS = "xpath://li[.//a] | //tr[.//a] | //dd[.//a]"

Text = Annotated[StrictStr, Field(min_length=1)]


class ProfileError(DataFileError):
    """A profile is missing or malformed; the message names the file and the entry."""


class Politeness(FileModel):
    """The ``[politeness]`` table: Scrapy settings a site asks for (see ``_POLITENESS``)."""

    concurrency: Annotated[int, Strict()] | None = None
    delay: Annotated[float, Strict()] | None = None
    autothrottle: StrictBool | None = None
    autothrottle_target_concurrency: Annotated[float, Strict()] | None = None
    autothrottle_max_delay: Annotated[float, Strict()] | None = None
    timeout: Annotated[float, Strict()] | None = None
    retry_times: Annotated[int, Strict()] | None = None


def _options_model(list_kind: str) -> type[FileModel]:
    """The ``[column.options]`` model of ``list_kind``, built from its module's option table."""
    check = _OPTION_CHECKS.get(list_kind, lambda options: [])

    def checked(self: FileModel) -> FileModel:
        problems = check(self.model_dump(exclude_unset=True))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    fields: dict[str, Any] = {
        name: (Annotated[kind, Strict()] | None, None)
        for name, kind in LIST_KIND_OPTIONS[list_kind].items()
    }
    model = create_model(
        f"{list_kind.capitalize()}Options",
        __base__=FileModel,
        __validators__={"checked": model_validator(mode="after")(checked)},
        **fields,
    )
    model.removed_keys = _REMOVED_OPTIONS.get(list_kind, {})
    return model


class Inspection(FileModel):
    """The ``[inspection]`` table: what the probes and the link check look at.

    See :mod:`crawler.inspection.site`, which resolves it against the crawl's base URL.
    """

    home: Text = "/"
    probe_columns: tuple[Text, ...] = ()
    site_hosts: tuple[Text, ...] = ()
    home_items: Text = DEFAULT_HOME_ITEMS


class ColumnFile(FileModel):
    """A ``[[column]]`` table; one subclass per list kind holds that kind's options."""

    key: Text
    name: Text
    list_kind: str
    url: Text
    expects_items: StrictBool = True
    department: Text | None = None
    # The column's category key; which keys exist is the national rules file's business.
    category: Text | None = None
    options: Any = None


def _column_model(list_kind: str) -> type[ColumnFile]:
    options = _options_model(list_kind)
    return create_model(
        f"{list_kind.capitalize()}Column",
        __base__=ColumnFile,
        list_kind=(Literal[list_kind], ...),
        options=(options, Field(default={}, validate_default=True)),
    )


# A column is read by the model of its list_kind: a new list kind needs no change here.
AnyColumn = Annotated[
    Union[tuple(_column_model(kind) for kind in LIST_KINDS)],  # type: ignore[valid-type]  # noqa: UP007
    Field(discriminator="list_kind"),
]


class ProfileFile(FileModel):
    """A whole profile file, as written."""

    name: Text
    kind: SiteKind
    base_url: Text
    timezone: Text = "Asia/Shanghai"
    politeness: Politeness = Politeness()
    detail: dict[str, Text] = Field(default_factory=dict)
    catalogue: dict[str, Text] = Field(default_factory=dict)
    column: list[AnyColumn] = Field(default_factory=list)
    inspection: Inspection = Inspection()
    # The consultation columns' letters (信件), checked by crawler/interaction/settings.py.
    letters: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _read_site_table(cls, data: Any) -> Any:
        """Read a ``[site]`` table's keys as top-level keys, as the scheduler once did."""
        if not isinstance(data, dict) or not isinstance(data.get("site"), dict):
            return data
        data = dict(data)
        site = data.pop("site")
        for key, value in site.items():
            if key not in _SITE_TABLE_KEYS:
                raise ValueError(
                    f"[site] holds only {', '.join(_SITE_TABLE_KEYS)}, not {key!r}: "
                    "write the keys of a profile at the top of the file"
                )
            if data.setdefault(key, value) != value:
                raise ValueError(f"{key!r} is written twice, at the top and in [site]")
        warnings.warn(
            "the [site] table is no longer needed: write "
            f"{', '.join(k for k in _SITE_TABLE_KEYS if k in site)} at the top of the file",
            OutdatedKeyWarning,
            2,
        )
        return data

    @model_validator(mode="after")
    def _columns_are_unique(self) -> ProfileFile:
        if not self.column:
            raise ValueError("a profile needs at least one [[column]]")
        keys = [c.key for c in self.column]
        if len(set(keys)) != len(keys):
            raise ValueError(f"column keys must be unique, got {keys}")
        for key in self.inspection.probe_columns:
            if key not in keys:
                raise ValueError(f"inspection › probe_columns names no column {key!r}")
        return self


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
    kind: SiteKind
    base_url: str
    declared_base_url: str
    timezone: str
    columns: tuple[ColumnProfile, ...]
    politeness: dict[str, Any] = field(default_factory=dict)
    detail_selectors: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    catalogue: dict[str, str] = field(default_factory=dict)
    inspection: Inspection = field(default_factory=Inspection)

    @property
    def spider(self) -> str:
        """The spider that crawls the site: spiders are named after the site kinds."""
        return str(self.kind)

    letters: dict[str, Any] = field(default_factory=dict)  # crawler/interaction/settings.py

    @property
    def allowed_domains(self) -> list[str]:
        return sorted({urlsplit(self.base_url).hostname or "", _host(self.declared_base_url)})

    def scrapy_settings(self) -> dict[str, Any]:
        """Return the Scrapy settings the profile's [politeness] table asks for."""
        return {_POLITENESS[k]: v for k, v in self.politeness.items()}

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


def load_profiles(directory: Path | None = None) -> dict[str, SiteProfile]:
    """Read every ``<key>.toml`` profile of ``directory`` (default: :func:`sites_dir`), by key."""
    paths = sorted((directory or sites_dir()).glob("*.toml"))
    return {path.stem: load_profile(str(path)) for path in paths}


def load_profile(
    site: str, base_url: str | None = None, sites_dir: Path | None = None
) -> SiteProfile:
    """Read a profile by key or path; raise :class:`ProfileError` on the first problem."""
    path = profile_path(site, sites_dir)
    return parse_profile(path.stem, _read(site, path), base_url, path)


def _read(site: str, path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        if path.suffix == ".toml" and site.endswith(".toml"):
            raise ProfileError(f"no site profile file {path}") from error
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.toml"))) or "none"
        raise ProfileError(f"no site profile {site!r} ({path}); known: {known}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{path}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{path}: not valid TOML: {error}") from error


def parse_profile(
    key: str, data: dict[str, Any], base_url: str | None = None, path: Path | None = None
) -> SiteProfile:
    """Validate a profile's data and resolve its column URLs against the effective base."""
    where = str(path or key)
    with warnings.catch_warnings(record=True) as notes:
        warnings.simplefilter("always", OutdatedKeyWarning)
        try:
            written = ProfileFile.model_validate(data)
        except ValidationError as error:
            raise ProfileError(f"{where}: {_describe(error, data)}") from None
    for note in dict.fromkeys(str(n.message) for n in notes if n.category is OutdatedKeyWarning):
        logger.warning("%s: %s", where, note)
    declared = written.base_url.rstrip("/") + "/"
    effective = (base_url or declared).rstrip("/") + "/"
    return SiteProfile(
        key=key,
        name=written.name,
        kind=written.kind,
        base_url=effective,
        declared_base_url=declared,
        timezone=written.timezone,
        columns=tuple(_column(c, declared, effective) for c in written.column),
        politeness=written.politeness.model_dump(exclude_none=True),
        detail_selectors=dict(written.detail),
        path=path,
        catalogue=dict(written.catalogue),
        inspection=written.inspection,
        letters=dict(written.letters),
    )


def _column(written: ColumnFile, declared: str, effective: str) -> ColumnProfile:
    return ColumnProfile(
        key=written.key,
        name=written.name,
        list_kind=written.list_kind,
        url=urljoin(effective, written.url),
        declared_url=urljoin(declared, written.url),
        expects_items=written.expects_items,
        department=written.department,
        options=written.options.model_dump(exclude_none=True),
        category=written.category,
    )


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    """The first problem in one line; a column is named by its number and key, not its index."""
    first = error.errors(include_url=False)[0]
    loc = list(first["loc"])
    if len(loc) >= 2 and loc[0] == "column" and isinstance(loc[1], int):
        raw = data.get("column", [])[loc[1]]
        column_key = raw.get("key", "?") if isinstance(raw, dict) else "?"
        rest = loc[3:] if len(loc) > 2 and loc[2] in LIST_KINDS else loc[2:]
        place = LOCATION_SEPARATOR.join([f"column #{loc[1] + 1} ({column_key})", *map(str, rest)])
        if first["type"] == "extra_forbidden" and rest[:1] == ["options"] and loc[2] in LIST_KINDS:
            known = ", ".join(LIST_KIND_OPTIONS[str(loc[2])]) or "none"
            return f"{place}: unknown option for list_kind {loc[2]!r} (known: {known})"
        written_place = LOCATION_SEPARATOR.join(str(part) for part in loc)
        return place + describe(error).removeprefix(written_place)
    return describe(error)
