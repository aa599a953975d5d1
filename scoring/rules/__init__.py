"""The assessment rules: data files per year (``shaoxing-2012.toml``) and their loader."""

from __future__ import annotations

from pathlib import Path

from db.config import Settings
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


def rules_path_in_force(settings: Settings) -> Path:
    """The rules file in force: ``EGOV_RULES_FILE``, else the bundled current year."""
    return settings.rules_file or DEFAULT_RULES_FILE


def rules_in_force(settings: Settings) -> Rules:
    """Load the rules file in force (the one every report and schedule uses)."""
    return load_rules(rules_path_in_force(settings))


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
    "rules_in_force",
    "rules_path_in_force",
]
