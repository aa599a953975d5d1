"""``scoring register``: import registers of signed documents and non-disclosure explanations."""

from __future__ import annotations

from pathlib import Path

import click

from scoring.cli.app import UserError, echo_err, open_session, user_errors
from scoring.entries.register import (
    ImportResult,
    RegisterFileError,
    import_explanations,
    import_register,
)

CSV_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def register() -> None:
    """Import what departments signed (发文登记) and why some of it was not disclosed."""


def _report(result: ImportResult, what: str) -> None:
    unnumbered = f" ({result.unnumbered} without 文号)" if result.unnumbered else ""
    click.echo(
        f"{result.path} ({result.encoding}): {result.added} {what} added{unnumbered}, "
        f"{result.unchanged} already present, {len(result.problems)} rows rejected"
    )
    for problem in result.problems:
        echo_err(f"{result.path}: {problem}")
    if result.problems:
        raise UserError(
            f"{len(result.problems)} rows of {result.path} were rejected (see above); "
            "the other rows were loaded"
        )


@register.command("import")
@click.argument("csv_file", type=CSV_FILE)
@user_errors(RegisterFileError)
def register_import(csv_file: Path) -> None:
    """Load a register of signed documents exported by a department's office system.

    CSV columns (header names in Chinese or English): 发文单位/department, 文号/doc_number,
    标题/title, 成文日期/signed_on, optionally 是否涉密/classified (是/否). UTF-8 with or without
    BOM, or GBK. Departments are matched through the alias table, documents by normalised 文号;
    a row with an empty 文号 is kept and matched by department, signing date and title. A bad
    row is reported with its line number and skipped; the others load, and the exit status is
    1. Importing the same file again adds nothing.

    Example:

        scoring register import 市发改委-发文登记-2012.csv
    """
    with open_session() as session:
        result = import_register(session, csv_file)
    _report(result, "documents")


@register.command("explanations")
@click.argument("csv_file", type=CSV_FILE)
@user_errors(RegisterFileError)
def register_explanations(csv_file: Path) -> None:
    """Load non-disclosure explanations (不予公开说明): department, 文号, reason.

    A registered document with an explanation is "explained", not "missing".

    Example:

        scoring register explanations 不予公开说明-2012.csv
    """
    with open_session() as session:
        result = import_explanations(session, csv_file)
    _report(result, "explanations")
