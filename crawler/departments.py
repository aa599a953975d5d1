"""Resolve the department names a profile writes through the registry in the evidence database.

A profile may name a department the way the site shows it: short name (市发改委), full name
(绍兴市发展和改革委员会) or any alias of the registry (db/data/departments.toml as imported by
``scoring departments import``, plus analysts' aliases). Before any request the spider and the
``sites`` commands turn every name into the unit's short name; a name that matches no unit is
a :class:`~crawler.profiles.ProfileError` listing all of them, in one line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.profiles import ProfileError, SiteProfile
from db.attribution import load_resolver
from db.config import load_settings
from db.engine import make_engine, session_factory
from db.errors import describe_database_error, one_line
from db.models import Attribution, Department
from db.names import NameResolver


@dataclass(frozen=True)
class DepartmentNames:
    """Name -> short name of a unit, through the alias table."""

    resolver: NameResolver
    short_names: dict[int, str]

    @classmethod
    def from_session(cls, session: Session) -> DepartmentNames:
        rows = session.execute(select(Department.id, Department.short_name))
        return cls(load_resolver(session), {i: name for i, name in rows})

    @classmethod
    def from_database(cls, url: str | None = None) -> DepartmentNames:
        """Read the registry of the evidence database (``EGOV_DATABASE_URL`` by default)."""
        url = url or load_settings().database_url
        try:
            engine = make_engine(url)
        except (SQLAlchemyError, OSError) as error:
            raise ProfileError(_registry_error(error, url)) from None
        try:
            with session_factory(engine)() as session:
                return cls.from_session(session)
        except SQLAlchemyError as error:
            raise ProfileError(_registry_error(error, url)) from None
        finally:
            engine.dispose()

    def short_name(self, name: str | None) -> str | None:
        """Return the short name of the unit ``name`` names, or None."""
        found = self.resolver.resolve(name)
        if found.kind != Attribution.DEPARTMENT or found.department_id is None:
            return None
        return self.short_names.get(found.department_id)

    def resolve_profile(self, profile: SiteProfile) -> SiteProfile:
        """Return ``profile`` with short names; raise ProfileError naming every unknown name."""
        names = sorted(profile.department_names())
        if not names:
            return profile
        if not self.short_names:
            raise ProfileError(
                f"{profile.path or profile.key}: the department registry is empty "
                f"(run `scoring departments import`)"
            )
        resolved = {name: self.short_name(name) for name in names}
        unknown = [name for name, short in resolved.items() if short is None]
        if unknown:
            raise ProfileError(
                f"{profile.path or profile.key}: unknown department(s) {', '.join(unknown)} "
                f"(not a short name, full name or alias in the registry; add one with "
                f"`scoring aliases add`)"
            )
        return profile.with_departments({k: v for k, v in resolved.items() if v})


def resolve_departments(profile: SiteProfile, url: str | None = None) -> SiteProfile:
    """Return ``profile`` with short names, reading the registry only if it names departments."""
    if not profile.department_names():
        return profile
    return DepartmentNames.from_database(url).resolve_profile(profile)


def _registry_error(error: BaseException, url: str) -> str:
    """One line: why the department registry cannot be read, and what to do about it."""
    described = describe_database_error(error, url) or one_line(error)
    return f"cannot read the department registry: {described}"
