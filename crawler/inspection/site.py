"""The ``[inspection]`` table of a site profile: what the probes and the link check look at.

::

    [inspection]
    home = "/"                           # the home page (首页), relative to base_url
    probe_columns = ["bmdt", "tzgg"]     # columns probed with the home page, by key
    site_hosts = ["sxoss.oss-cn-hangzhou.aliyuncs.com"]   # other hosts that are the site's own
    home_items = "xpath://li[.//a] | //tr[.//a]"           # where the home page lists dated items

Every key is optional. ``site_hosts`` matters to the link check: an attachment on the site's
object storage is the site's link (internal), not an external one. A host is matched with its
port when one is given (``127.0.0.1:8080``), on any port when none is: the crawl's own base URL
counts with its port, so on ``127.0.0.1`` a server on another port is another site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.profiles import ProfileError, SiteProfile

DEFAULT_HOME_ITEMS = "xpath://li[.//a] | //tr[.//a] | //dd[.//a]"
_KEYS = {"home", "probe_columns", "site_hosts", "home_items"}


@dataclass(frozen=True)
class InspectionSettings:
    home_url: str  # absolute, on the crawl base
    probe_columns: tuple[str, ...]
    site_hosts: frozenset[str]  # the site's own hosts (``host`` or ``host:port``), crawl included
    home_items: str

    def is_site_host(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:  # a port out of range: no host of ours
            return False
        return host in self.site_hosts or (port is not None and f"{host}:{port}" in self.site_hosts)


def inspection_settings(
    profile: SiteProfile, extra_hosts: tuple[str, ...] = ()
) -> InspectionSettings:
    """Validate the profile's ``[inspection]`` table; ``extra_hosts`` are added site hosts."""
    raw: dict[str, Any] = profile.inspection
    where = f"{profile.path or profile.key}: inspection"
    unknown = set(raw) - _KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown key(s) {sorted(unknown)}")
    home = raw.get("home", "/")
    if not isinstance(home, str) or not home:
        raise ProfileError(f"{where}: 'home' must be a non-empty string")
    columns = _strings(where, raw, "probe_columns")
    known = {c.key for c in profile.columns}
    for key in columns:
        if key not in known:
            raise ProfileError(f"{where}: probe_columns names no column {key!r}")
    hosts = {h.lower() for h in _strings(where, raw, "site_hosts") + tuple(extra_hosts)}
    hosts |= {_netloc(url) for url in (profile.base_url, profile.declared_base_url)}
    items = raw.get("home_items", DEFAULT_HOME_ITEMS)
    if not isinstance(items, str) or not items:
        raise ProfileError(f"{where}: 'home_items' must be a non-empty selector")
    return InspectionSettings(
        home_url=urljoin(profile.base_url, home),
        probe_columns=columns,
        site_hosts=frozenset(hosts),
        home_items=items,
    )


def _netloc(url: str) -> str:
    """``host:port`` when the URL names a port, else ``host`` (any port)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port is not None else host


def _strings(where: str, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)
