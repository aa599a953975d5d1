"""Fixtures of the scoring tests: the rules in force and a cut-off after the test year."""

from __future__ import annotations

import datetime as dt

import pytest

from scoring.rules import DEFAULT_RULES_FILE, Rules, load_rules


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules(DEFAULT_RULES_FILE)


@pytest.fixture
def late_cutoff() -> dt.datetime:
    """A cut-off long after 2012: every month of 2012 has ended."""
    return dt.datetime(2013, 6, 1, tzinfo=dt.UTC)
