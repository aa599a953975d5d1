"""The error boundary of the command lines, kept where the scoring commands first had it.

Its home is :mod:`db.cli_errors`, shared by every command line (``scoring``, ``schedules`` and
the crawler's ``sites``); the names are imported from there, not defined again.
"""

from __future__ import annotations

from db.cli_errors import PRODUCT_ERRORS, CommandLineError, OneLineErrors, UserError, describe

__all__ = ["PRODUCT_ERRORS", "CommandLineError", "OneLineErrors", "UserError", "describe"]
