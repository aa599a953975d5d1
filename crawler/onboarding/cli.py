"""The ``sites`` command: discover a site's profile, check a profile before the first crawl.

A command of its own (not a ``scoring`` subcommand): it belongs to the crawler, and scoring
never imports the crawler. User mistakes and unreachable sites print one line, ``Error: …``,
and exit with status 1.
"""

from __future__ import annotations

import json
import shlex
import tomllib
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import click

from crawler.departments import DepartmentNames
from crawler.interaction.settings import letter_columns
from crawler.onboarding.check import ColumnCheck, check_profile
from crawler.onboarding.discover import Discovery
from crawler.onboarding.discover import discover as discover_site
from crawler.onboarding.fetch import DEFAULT_DELAY, FetchError, PoliteFetcher, is_local
from crawler.onboarding.writer import render_profile
from crawler.profiles import ProfileError, load_profile, parse_profile, sites_dir
from db.cli_errors import UserError
from db.models import SiteKind
from db.terminal import display_width, pad


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("egov-watch"), "-V", "--version", prog_name="sites")
def cli() -> None:
    """Onboard a government site: write its profile, then check it before the first crawl.

    Profiles are read from and written to EGOV_SITES_DIR (default: crawler/sites/);
    department names are resolved through the registry of the evidence database
    (EGOV_DATABASE_URL).

    Example:

        sites discover https://www.sx.gov.cn --kind portal --key sx-portal && sites check sx-portal
    """


def _fetcher(url: str, delay: float | None) -> PoliteFetcher:
    return PoliteFetcher(delay if delay is not None else 0.0 if is_local(url) else DEFAULT_DELAY)


def _default_key(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "site").replace(".", "-")
    return f"{host}-{parts.port}" if parts.port else host


@cli.command()
@click.argument("url")
@click.option(
    "--kind", type=click.Choice(["portal", "disclosure"]), required=True, help="Site kind."
)
@click.option("--key", help="Profile key (file name); default: the host name.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Profile file to write; default: <EGOV_SITES_DIR>/<key>.toml.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing profile file.")
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for a page.")
@click.option(
    "--max-links", default=200, show_default=True, help="Links of the page followed at most."
)
@click.option(
    "--delay",
    type=float,
    help=f"Seconds between two requests; default {DEFAULT_DELAY}, 0 for a site on this machine.",
)
def discover(
    url: str,
    kind: str,
    key: str | None,
    output: Path | None,
    force: bool,
    timeout: float,
    max_links: int,
    delay: float | None,
) -> None:
    """Write the profile of the site at URL: its columns, list kinds and options.

    Fetches URL (a home page, a column navigation, or a disclosure platform's tree of
    catalogues) and every page it links to on the same site, recognises each list (JPaaS,
    jpage, TRS, xxgk, generic) and reads its options from the page. On a disclosure platform
    each catalogue's department is resolved through the registry; names that match nothing
    are listed. The profile is checked as the crawler will read it before it is written.

    Example:

        sites discover http://xxgk.sx.gov.cn/ --kind disclosure --key sx-xxgk
    """
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise UserError(f"not a web address: {url!r} (expected http://… or https://…)")
    key = key or _default_key(url)
    target = output or sites_dir() / f"{key}.toml"
    if target.exists() and not force:
        raise UserError(f"{target} exists; pass --force to overwrite it")
    try:
        names = DepartmentNames.from_database() if kind == SiteKind.DISCLOSURE else None
        found = discover_site(
            url,
            kind,
            names=names,
            fetcher=_fetcher(url, delay),
            timeout=timeout,
            max_links=max_links,
        )
    except (FetchError, ProfileError) as error:
        raise UserError(str(error)) from error
    if not found.columns:
        raise UserError(f"{url}: no list found on the page or the pages it links to")
    command = "sites discover " + shlex.join([url, "--kind", kind, "--key", key])
    _write_profile(found, command, key, target)
    _say_what_was_found(found, target)
    click.echo(f"next: sites check {key}")


def _write_profile(found: Discovery, command: str, key: str, target: Path) -> None:
    """Write the profile, once it is known to load as the crawler will read it."""
    text = render_profile(found, command)
    try:
        parse_profile(key, tomllib.loads(text), path=target)
    except (ProfileError, tomllib.TOMLDecodeError) as error:  # a fault of ours, not the user's
        raise UserError(f"the profile written for {found.url} does not load: {error}") from error
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _say_what_was_found(found: Discovery, target: Path) -> None:
    click.echo(f"wrote {target}: {len(found.columns)} columns")
    for column in found.columns:
        who = f" -> {column.department}" if column.department else ""
        click.echo(f"  {pad(column.key, 16)} {pad(column.list_kind, 8)} {column.name}{who}")
    for name, link in found.unresolved:
        click.echo(f"  unresolved: {name} ({link})", err=True)


def _table(results: list[ColumnCheck]) -> str:
    header = ("column", "kind", "items", "dated", "departments", "first detail", "looks wrong")
    rows = [
        (
            r.key,
            r.list_kind,
            str(r.items),
            f"{r.dated}/{r.items}",
            r.departments,
            r.detail,
            "; ".join(r.problems) or "-",
        )
        for r in results
    ]
    widths = [
        max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header) - 1)
    ]
    lines = []
    for row in [header, *rows]:
        cells = [pad(str(cell), width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    return "\n".join(lines)


@cli.command()
@click.argument("site")
@click.option("--base-url", help="Check this base instead of the profile's (a mirror, a sample).")
@click.option(
    "--details/--no-details",
    default=True,
    show_default=True,
    help="Also read the first item's detail page of each column.",
)
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for a page.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def check(
    site: str, base_url: str | None, details: bool, timeout: float, output_format: str
) -> None:
    """Fetch the first list page of every column of SITE and say what looks wrong.

    SITE is a profile key in EGOV_SITES_DIR or a path to a .toml file. Per column: items
    found, items with a date, departments (the column's, and the catalogue's for the links),
    the first detail page as the crawler reads it, and problems; then the columns without a
    category, which the national inspection cannot judge. Exits with status 1 when a column
    has a problem.

    Example:

        sites check sx-xxgk --format json
    """
    try:
        profile = load_profile(site, base_url)
        letter_columns(profile)  # a malformed [letters] table is found here, not at night
        # A disclosure check resolves the documents' 发布机构 too, so it always needs names.
        wants_names = profile.kind == SiteKind.DISCLOSURE or bool(profile.department_names())
        names = DepartmentNames.from_database() if wants_names else None
        if names is not None:
            profile = names.resolve_profile(profile)
    except ProfileError as error:
        raise UserError(str(error)) from error
    fetcher = _fetcher(profile.base_url, None)
    try:  # an unreachable site is one line, not the same error in every column
        fetcher(profile.base_url, timeout=timeout)
    except FetchError as error:
        raise UserError(str(error)) from error
    results = check_profile(profile, names, fetcher=fetcher, timeout=timeout, details=details)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        click.echo(_table(results))
    wrong = [r for r in results if r.problems]
    click.echo(f"{profile.key}: {len(results)} columns, {len(wrong)} with problems", err=True)
    uncategorised = [c.key for c in profile.columns if c.category is None]
    if uncategorised:  # the national inspection judges a column by its category
        keys = ", ".join(uncategorised)
        click.echo(f"{profile.key}: columns without a category (not inspected): {keys}", err=True)
    if wrong:
        raise SystemExit(1)


def main() -> None:
    cli(prog_name="sites")


__all__ = ["cli", "main"]
