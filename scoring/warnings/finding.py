"""One early-warning finding (预警): what it is about, whom it goes to, and its text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    key: str  # what it is about: sent once per key and target
    kind: str  # quota, column, register, letter or rectification
    subject: str
    body: str
    department_id: int | None = None
    department: str | None = None  # short name (简称), for routing
    site: str | None = None  # site key, for routing
