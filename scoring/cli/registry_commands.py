"""``scoring departments`` and ``scoring aliases``: the registry of assessed units."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from db.attribution import (
    AliasConflictError,
    UnknownDepartmentError,
    add_alias,
    reattribute,
    refresh_review_queue,
)
from db.models import Department, DepartmentAlias, NameStatus, UnresolvedName
from db.models.base import values
from db.models.registry import UnitKind
from db.registry import DEFAULT_REGISTRY, RegistryError, import_registry, load_registry
from scoring.cli.app import not_utf8, open_session, user_errors
from scoring.cli.output import emit, output_options

DEPARTMENT_COLUMNS = (
    "short_name",
    "full_name",
    "kind",
    "tier",
    "liaison_office",
    "financial_institution",
    "city_enterprise",
    "no_approval_items",
    "aliases",
)


@click.group()
def departments() -> None:
    """List and import the assessed departments and counties."""


@departments.command("list")
@click.option(
    "--kind",
    type=click.Choice([*values(UnitKind), "all"]),
    default="department",
    show_default=True,
    help="City departments (Annex 2), counties (Annex 1), or both.",
)
@click.option("--tier", type=click.IntRange(1, 3), help="Only this tier (档).")
@output_options
def departments_list(kind: str, tier: int | None, fmt: str, output: Path | None) -> None:
    """List assessed units with tier, exemption flags and aliases.

    Example:

        scoring departments list --tier 1 --format json
    """
    with open_session() as session:
        query = select(Department).order_by(Department.kind.desc(), Department.tier, Department.id)
        if kind != "all":
            query = query.where(Department.kind == kind)
        if tier is not None:
            query = query.where(Department.tier == tier)
        aliases: dict[int, list[str]] = {}
        for department_id, alias in session.execute(
            select(DepartmentAlias.department_id, DepartmentAlias.alias).order_by(
                DepartmentAlias.id
            )
        ):
            aliases.setdefault(department_id, []).append(alias)
        rows = [
            {
                "short_name": d.short_name,
                "full_name": d.full_name,
                "kind": d.kind,
                "tier": d.tier,
                "liaison_office": d.is_liaison_office,
                "financial_institution": d.is_financial_institution,
                "city_enterprise": d.is_city_enterprise,
                "no_approval_items": d.has_no_approval_items,
                "aliases": [
                    a for a in aliases.get(d.id, []) if a not in (d.short_name, d.full_name)
                ],
            }
            for d in session.scalars(query)
        ]
    emit(rows, DEPARTMENT_COLUMNS, fmt, output)


@departments.command("import")
@click.argument(
    "registry_file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@user_errors(RegistryError)
def departments_import(registry_file: Path | None) -> None:
    """Load the registry file into the database (default: the bundled 2012 registry).

    Units are matched by short name and updated; aliases are added, never removed. Evidence
    whose source now matches an alias is attributed at once.

    Example:

        scoring departments import db/data/departments.toml
    """
    path = registry_file or DEFAULT_REGISTRY
    try:
        registry = load_registry(path)
    except UnicodeDecodeError as error:
        raise not_utf8(path, error) from error
    with open_session() as session:
        summary = import_registry(session, registry)
        moved = reattribute(session)
    click.echo(
        f"{summary.created} created, {summary.updated} updated, {summary.aliases_added} aliases "
        f"added from {registry.path}; re-attributed {moved.posts} posts, "
        f"{moved.documents} documents"
    )


@click.group()
def aliases() -> None:
    """Add aliases and review names that matched no unit."""


@aliases.command("add")
@click.argument("short_name")
@click.argument("alias")
@click.option("--by", "entered_by", required=True, help="Who adds it (kept with the alias).")
@user_errors(UnknownDepartmentError, AliasConflictError)
def aliases_add(short_name: str, alias: str, entered_by: str) -> None:
    """Add ALIAS as a name of the unit SHORT_NAME and re-attribute earlier evidence.

    Example:

        scoring aliases add 市发改委 "绍兴市发改委(物价局)" --by 王芳
    """
    with open_session() as session:
        row = add_alias(session, short_name, alias, entered_by)
        moved = reattribute(session)
        refresh_review_queue(session)
    click.echo(
        f"{alias!r} (normalised {row.normalized!r}) names {short_name}; "
        f"re-attributed {moved.posts} posts, {moved.documents} documents"
    )


@aliases.command("review")
@click.option("--all", "show_all", is_flag=True, help="Include resolved and ignored names.")
@output_options
def aliases_review(show_all: bool, fmt: str, output: Path | None) -> None:
    """List source names that matched no unit, most frequent first, with example URLs.

    Add an alias for each with 'scoring aliases add'.

    Example:

        scoring aliases review --format csv -o review.csv
    """
    with open_session() as session:
        refresh_review_queue(session)
        query = select(UnresolvedName).order_by(
            UnresolvedName.occurrences.desc(), UnresolvedName.normalized
        )
        if not show_all:
            query = query.where(UnresolvedName.status == NameStatus.OPEN)
        rows = [
            {
                "name": entry.example_text or entry.normalized,
                "normalized": entry.normalized,
                "occurrences": entry.occurrences,
                "status": entry.status,
                "examples": entry.example_urls,
            }
            for entry in session.scalars(query)
        ]
        total = session.scalar(select(func.count()).select_from(UnresolvedName))
    emit(rows, ("name", "normalized", "occurrences", "status", "examples"), fmt, output)
    if not rows and fmt == "table":
        click.echo(f"no names awaiting review ({total} reviewed in all)", err=True)
