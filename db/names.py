"""Normalise the ways pages name a unit, and resolve a name to a unit.

Pages name departments in many ways: 市发改委, 绍兴市发改委, 绍兴市发展和改革委员会, with full-width
characters or stray spaces. Names and aliases go through the same :func:`normalize_name`, so an
alias matches every spelling that differs only in those ways.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

# Prefixes dropped in order, each only when at least two characters remain (绍兴县 stays 绍兴县).
_PREFIXES = ("浙江省", "绍兴市", "绍兴", "市")
_LABEL = re.compile(r"^(信息来源|来源|发布机构|发布单位|发文机关)[:：]")
_PARENTHETICAL = re.compile(r"\([^)]*\)")
_SEPARATORS = re.compile(r"[、,;/|]")

AttributionKind = Literal["department", "external", "unresolved"]


def normalize_name(text: str) -> str:
    """Return the comparison form of a unit name (empty for blank input)."""
    name = unicodedata.normalize("NFKC", text)
    name = re.sub(r"\s+", "", name).lower()
    name = _LABEL.sub("", name).strip(":;,.。")
    without_government = name.replace("人民政府", "")
    if len(without_government) >= 2:
        name = without_government
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            name = name[len(prefix) :]
    return name


@dataclass(frozen=True)
class Attribution:
    """What a name resolved to: a unit, an outside source, or nothing yet (review queue)."""

    kind: AttributionKind
    department_id: int | None
    normalized: str


class NameResolver:
    """Resolve names against a fixed alias table (normalised alias -> department id)."""

    def __init__(self, aliases: Mapping[str, int], external: Iterable[str] = ()) -> None:
        self._aliases = dict(aliases)
        self._external = frozenset(external)

    def resolve(self, text: str | None) -> Attribution:
        """Resolve ``text``; try the whole name, then without parentheses, then its parts.

        Parts (市发改委、市财政局) resolve only when every part names the same unit: a joint
        post of two departments is not silently credited to one of them.
        """
        normalized = normalize_name(text or "")
        if not normalized:
            return Attribution("unresolved", None, "")
        for candidate in (normalized, normalize_name(_PARENTHETICAL.sub("", normalized))):
            if candidate in self._aliases:
                return Attribution("department", self._aliases[candidate], normalized)
            if candidate in self._external:
                return Attribution("external", None, normalized)
        parts = [normalize_name(part) for part in _SEPARATORS.split(normalized) if part]
        if len(parts) > 1:
            ids = {self._aliases.get(part) for part in parts}
            if len(ids) == 1 and None not in ids:
                return Attribution("department", ids.pop(), normalized)
        return Attribution("unresolved", None, normalized)
