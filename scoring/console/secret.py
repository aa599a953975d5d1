"""The key that signs session cookies: from EGOV_SESSION_KEY, or generated once and kept.

Without ``EGOV_SESSION_KEY`` a random key is created on first start in
``EGOV_VAR_DIR/console-secret.key`` (mode 0600) and read again afterwards, so sessions survive a
restart and a newcomer needs no setup. Several console processes must share one key: set
``EGOV_SESSION_KEY`` or share the var directory.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from db.config import Settings

MIN_LENGTH = 32
KEY_FILE = "console-secret.key"


class SecretKeyError(ValueError):
    """The configured secret key cannot be used."""


def console_secret(settings: Settings) -> str:
    """Return the configured key, or the stored one, creating it when there is none."""
    if settings.session_key is not None:
        if len(settings.session_key) < MIN_LENGTH:
            raise SecretKeyError(
                f"EGOV_SESSION_KEY must be at least {MIN_LENGTH} characters "
                "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return settings.session_key
    path = Path(settings.var_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
    key = path.read_text(encoding="ascii").strip()
    if len(key) < MIN_LENGTH:
        raise SecretKeyError(f"{path} holds no usable key: delete it to make a new one")
    return key
