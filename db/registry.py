"""Load the department registry file and import it into the database.

The registry (``db/data/departments.toml``) lists every assessed unit with its tier, flags and
aliases. Importing is idempotent: units are matched by short name and updated in place, and
aliases are added, never removed, so analysts' own aliases survive a re-import.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Department, DepartmentAlias, ExternalSource
from db.names import normalize_name

DEFAULT_REGISTRY = Path(__file__).with_name("data") / "departments.toml"

_FLAGS = {
    "liaison_office": "is_liaison_office",
    "financial_institution": "is_financial_institution",
    "city_enterprise": "is_city_enterprise",
    "no_approval_items": "has_no_approval_items",
}
_UNIT_KEYS = {"short_name", "full_name", "tier", "aliases", *_FLAGS}


class RegistryError(ValueError):
    """The registry file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class UnitEntry:
    short_name: str
    full_name: str
    kind: str
    tier: int | None
    aliases: tuple[str, ...]
    flags: dict[str, bool] = field(default_factory=dict)

    def all_names(self) -> tuple[str, ...]:
        return (self.short_name, self.full_name, *self.aliases)


@dataclass(frozen=True)
class Registry:
    path: Path
    units: tuple[UnitEntry, ...]
    external: tuple[str, ...]


def load_registry(path: Path = DEFAULT_REGISTRY) -> Registry:
    """Read and validate a registry file; raise :class:`RegistryError` on the first problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RegistryError(f"{path}: cannot read: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(f"{path}: not valid TOML: {error}") from error
    unknown = set(data) - {"department", "county", "external"}
    if unknown:
        raise RegistryError(f"{path}: unknown section(s) {sorted(unknown)}")
    units = [
        _unit(path, "department", i, raw) for i, raw in enumerate(data.get("department", []), 1)
    ]
    units += [_unit(path, "county", i, raw) for i, raw in enumerate(data.get("county", []), 1)]
    external = data.get("external", {}).get("names", [])
    _check_unique(path, units, external)
    return Registry(path=path, units=tuple(units), external=tuple(external))


def _unit(path: Path, kind: str, index: int, raw: dict[str, Any]) -> UnitEntry:
    where = f"{path}: {kind} #{index} ({raw.get('short_name', '?')})"
    unknown = set(raw) - _UNIT_KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {sorted(unknown)}")
    for key in ("short_name", "full_name"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise RegistryError(f"{where}: '{key}' must be a non-empty string")
    tier = raw.get("tier")
    if kind == "department" and tier not in (1, 2, 3):
        raise RegistryError(f"{where}: 'tier' must be 1, 2 or 3, got {tier!r}")
    if kind == "county" and tier is not None:
        raise RegistryError(f"{where}: a county has no tier")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RegistryError(f"{where}: 'aliases' must be a list of strings")
    flags = {}
    for key, column in _FLAGS.items():
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise RegistryError(f"{where}: '{key}' must be true or false, got {value!r}")
        flags[column] = value
    return UnitEntry(raw["short_name"], raw["full_name"], kind, tier, tuple(aliases), flags)


def _check_unique(path: Path, units: list[UnitEntry], external: list[str]) -> None:
    owner: dict[str, str] = {}
    for unit in units:
        for name in unit.all_names():
            key = normalize_name(name)
            if owner.setdefault(key, unit.short_name) != unit.short_name:
                raise RegistryError(
                    f"{path}: name {name!r} (normalised {key!r}) belongs to both "
                    f"{owner[key]} and {unit.short_name}"
                )
    for name in external:
        key = normalize_name(name)
        if key in owner:
            raise RegistryError(f"{path}: outside source {name!r} is also a name of {owner[key]}")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    aliases_added: int


def import_registry(session: Session, registry: Registry) -> ImportSummary:
    """Create or update every unit, add missing aliases and outside sources; flush, no commit."""
    existing = {d.short_name: d for d in session.scalars(select(Department))}
    taken = {a.normalized: a.department_id for a in session.scalars(select(DepartmentAlias))}
    created = updated = aliases_added = 0
    for unit in registry.units:
        department = existing.get(unit.short_name)
        if department is None:
            department = Department(short_name=unit.short_name)
            session.add(department)
            created += 1
        else:
            updated += 1
        department.full_name = unit.full_name
        department.kind = unit.kind
        department.tier = unit.tier
        for column, value in unit.flags.items():
            setattr(department, column, value)
        session.flush()
        for name in unit.all_names():
            key = normalize_name(name)
            if key in taken:
                continue
            session.add(DepartmentAlias(department_id=department.id, alias=name, normalized=key))
            taken[key] = department.id
            aliases_added += 1
    known_external = set(session.scalars(select(ExternalSource.normalized)))
    for name in registry.external:
        key = normalize_name(name)
        if key not in known_external:
            session.add(ExternalSource(name=name, normalized=key))
            known_external.add(key)
    session.flush()
    return ImportSummary(created, updated, aliases_added)
