"""The assessment rules: data files per year (``shaoxing-2012.toml``) and their loader."""

from __future__ import annotations

from pathlib import Path

from scoring.rules.loader import RulesError, load_rules
from scoring.rules.model import (
    Criterion,
    DisclosurePolicy,
    ExemptionClass,
    Item,
    PortalPolicy,
    Prizes,
    Rubric,
    Rules,
    SubItem,
    SuggestionPolicy,
)

RULES_DIR = Path(__file__).parent
DEFAULT_RULES_FILE = RULES_DIR / "shaoxing-2012.toml"

__all__ = [
    "DEFAULT_RULES_FILE",
    "RULES_DIR",
    "Criterion",
    "DisclosurePolicy",
    "ExemptionClass",
    "Item",
    "PortalPolicy",
    "Prizes",
    "Rubric",
    "Rules",
    "RulesError",
    "SubItem",
    "SuggestionPolicy",
    "load_rules",
]
