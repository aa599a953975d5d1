"""Site profiles for the scheduler tests, built as the crawler's reader would return them."""

from __future__ import annotations

from pathlib import Path

from crawler.profiles import SiteProfile


def site_profile(
    key: str, kind: str = "portal", name: str | None = None, base_url: str = "http://127.0.0.1:9"
) -> SiteProfile:
    """A profile of ``key`` with no columns (the scheduler reads only its key, kind and name)."""
    base = base_url.rstrip("/") + "/"
    return SiteProfile(
        key=key,
        name=name or key,
        kind=kind,
        base_url=base,
        declared_base_url=base,
        timezone="Asia/Shanghai",
        columns=(),
        path=Path(f"{key}.toml"),
    )
