"""Read the environment in one place.

Every setting that may come from the environment is read here and nowhere else, so that a
deployment's configuration is one list (see ``.env.example``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_VAR_DIR = Path("var")
DEFAULT_SQLITE_NAME = "evidence.sqlite"


@dataclass(frozen=True)
class Settings:
    """The environment-derived configuration of one process."""

    database_url: str
    var_dir: Path
    rules_file: Path | None
    reports_dir: Path
    secret_key: str | None = None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (the process environment by default).

    ``EGOV_DATABASE_URL``  any SQLAlchemy URL; default ``sqlite:///var/evidence.sqlite``.
    ``EGOV_VAR_DIR``       working files (SQLite file, page archives, locks); default ``var``.
    ``EGOV_RULES_FILE``    the assessment rules file; default the bundled current year.
    ``EGOV_REPORTS_DIR``   where scheduled reports are written; default ``var/reports``.
    ``EGOV_SECRET_KEY``    signs the console's session cookies; default: a key generated once
                           and kept in ``EGOV_VAR_DIR/console-secret.key`` (see docs/console.md).
    """
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("EGOV_VAR_DIR") or DEFAULT_VAR_DIR)
    url = env.get("EGOV_DATABASE_URL") or f"sqlite:///{var_dir / DEFAULT_SQLITE_NAME}"
    rules = env.get("EGOV_RULES_FILE")
    reports = env.get("EGOV_REPORTS_DIR")
    return Settings(
        database_url=url,
        var_dir=var_dir,
        rules_file=Path(rules) if rules else None,
        reports_dir=Path(reports) if reports else var_dir / "reports",
        secret_key=env.get("EGOV_SECRET_KEY") or None,
    )
