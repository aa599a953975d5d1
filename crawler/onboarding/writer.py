"""Write a discovered site as a commented profile file, ready to crawl without edits.

What the pages cannot prove is proposed and marked for review in a comment: each column's
category (栏目类别) and ``expects_items``, and the ``[inspection]`` table.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from crawler.onboarding.discover import DiscoveredColumn, Discovery

GENTLE = {"concurrency": 1, "delay": 2.0, "autothrottle": True, "timeout": 30.0, "retry_times": 3}
LOCAL = {"concurrency": 8, "delay": 0.0, "autothrottle": False, "timeout": 10.0, "retry_times": 1}


def _value(value: Any) -> str:
    """A TOML value: strings as basic strings (JSON escapes are TOML escapes), inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def _key(name: str) -> str:
    bare = name.replace("_", "").replace("-", "").isalnum() and name.isascii()
    return name if bare else json.dumps(name, ensure_ascii=False)


def _column(column: DiscoveredColumn) -> list[str]:
    lines = ["", "[[column]]"]
    lines += [f"# {note}" for note in column.notes]
    lines += [
        f"key = {_value(column.key)}",
        f"name = {_value(column.name)}",
        f"list_kind = {_value(column.list_kind)}",
        f"url = {_value(column.url)}",
    ]
    if column.category:
        lines.append(
            f"category = {_value(column.category)}   # REVIEW: proposed from the name {column.name}"
        )
    else:
        lines.append("# REVIEW: no category proposed from the name; write one (docs/inspection.md)")
    if not column.expects_items:
        lines.append(
            "expects_items = false   # REVIEW: the first list page had no item (空白栏目?)"
        )
    if column.department:
        shown = column.shown_name
        comment = f"   # shown as {shown}" if shown and shown != column.department else ""
        lines.append(f"department = {_value(column.department)}{comment}")
    if column.options:
        lines.append("[column.options]")
        lines += [f"{_key(k)} = {_value(v)}" for k, v in column.options.items()]
    return lines


def render_profile(found: Discovery, command: str, today: dt.date | None = None) -> str:
    """Return the profile file's text."""
    today = today or dt.date.today()
    lines = [
        f"# {found.name}: written by `{command}` on {today.isoformat()}.",
        "# Every option below was read from the site's own pages; `sites check KEY` tries the",
        "# first list page of every column. docs/sites.md explains each key.",
    ]
    if found.unresolved:
        lines.append("# Names that match no department in the registry (their columns are kept")
        lines.append("# without one; add an alias with `scoring aliases add` and discover again):")
        lines += [f"#   {name}  {url}" for name, url in found.unresolved]
    if found.skipped:
        lines.append("# Links followed that are not lists:")
        lines += [f"#   {url}  ({why})" for url, why in found.skipped]
    lines += [
        f"name = {_value(found.name)}",
        f"kind = {_value(found.kind)}",
        f"base_url = {_value(found.base_url)}",
        'timezone = "Asia/Shanghai"',
        "",
        "[politeness]   # "
        + (
            "a site on this machine: no delay"
            if found.local
            else "a government site of the city: gentle, one request at a time"
        ),
    ]
    lines += [f"{k} = {_value(v)}" for k, v in (LOCAL if found.local else GENTLE).items()]
    if found.catalogue:
        lines += ["", "[catalogue]   # catalogue column id in article links -> department"]
        lines += [f"{_value(k)} = {_value(v)}" for k, v in sorted(found.catalogue.items())]
    lines += _inspection(found)
    for column in found.columns:
        lines += _column(column)
    return "\n".join(lines) + "\n"


def _inspection(found: Discovery) -> list[str]:
    """The ``[inspection]`` table: the page discovered as the home page, probed with the first
    动态 and 通知公告 columns."""
    probed = [
        next((c.key for c in found.columns if c.category == category), None)
        for category in ("dynamic", "notice")
    ]
    home = urlsplit(found.url).path or "/"
    return [
        "",
        "[inspection]   # REVIEW: proposed by `sites discover`; see crawler/inspection/site.py",
        f"home = {_value(home)}",
        f"probe_columns = [{', '.join(_value(k) for k in probed if k)}]",
    ]
