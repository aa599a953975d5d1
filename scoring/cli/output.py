"""Shared output options: a table for people, JSON or CSV for machines, to stdout or a file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from scoring.reporting.table import render_table

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv")


def format_options(formats: Sequence[str], help_text: str) -> Callable[[F], F]:
    """Return a decorator adding ``--format`` (one of ``formats``) and ``-o/--output``."""

    def decorate(function: F) -> F:
        function = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True, path_type=Path),
            help="Write to this file instead of standard output.",
        )(function)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="table",
            show_default=True,
            help=help_text,
        )(function)

    return decorate


output_options = format_options(FORMATS, "table for reading, json or csv for other programs.")


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    if fmt == "json":
        return (
            json.dumps(
                [{c: row.get(c) for c in columns} for row in rows],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
            + "\n"
        )
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    return render_table(rows, columns)


def emit(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, output: Path | None
) -> None:
    """Render ``rows`` and write them where the user asked."""
    text = render(rows, columns, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(rows)} rows to {output}", err=True)
