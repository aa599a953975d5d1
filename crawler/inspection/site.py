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
from urllib.parse import urljoin, urlsplit

from crawler.profiles import DEFAULT_HOME_ITEMS, SiteProfile

__all__ = ["DEFAULT_HOME_ITEMS", "InspectionSettings", "inspection_settings"]


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
    """Resolve the profile's ``[inspection]`` table; ``extra_hosts`` are added site hosts.

    The table was validated with the profile (:class:`crawler.profiles.Inspection`).
    """
    table = profile.inspection
    hosts = {h.lower() for h in (*table.site_hosts, *extra_hosts)}
    hosts |= {_netloc(url) for url in (profile.base_url, profile.declared_base_url)}
    return InspectionSettings(
        home_url=urljoin(profile.base_url, table.home),
        probe_columns=table.probe_columns,
        site_hosts=frozenset(hosts),
        home_items=table.home_items,
    )


def _netloc(url: str) -> str:
    """``host:port`` when the URL names a port, else ``host`` (any port)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port is not None else host
