"""Text laid out on a terminal: Chinese takes two cells, so columns align by width, not length.

Shared by the command lines' tables (``scoring``'s and the crawler's ``sites``).
"""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Width in terminal cells: CJK (East Asian wide and full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells."""
    return text + " " * (width - display_width(text))
