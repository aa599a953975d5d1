"""The environment of the crawl and scoring processes this package starts.

Children run from the repository root (where ``scrapy.cfg`` is), so relative paths in the
settings (the default ``sqlite:///var/evidence.sqlite``) are made absolute first: a crawl
started from another directory writes to the same database the scheduler reads.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from db.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def absolute_database_url(url: str) -> str:
    """Return ``url`` with a relative SQLite file path made absolute."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if Path(database).is_absolute():
        return url
    return parsed.set(database=str(Path(database).resolve())).render_as_string(hide_password=False)


def child_environment(settings: Settings) -> dict[str, str]:
    """This process's environment, with the configuration pinned to absolute locations."""
    pinned = {
        "EGOV_DATABASE_URL": absolute_database_url(settings.database_url),
        "EGOV_VAR_DIR": str(settings.var_dir.resolve()),
        "EGOV_REPORTS_DIR": str(settings.reports_dir.resolve()),
    }
    if settings.rules_file is not None:
        pinned["EGOV_RULES_FILE"] = str(settings.rules_file.resolve())
    if settings.sites_dir is not None:
        pinned["EGOV_SITES_DIR"] = str(settings.sites_dir.resolve())
    return {**os.environ, **pinned}
