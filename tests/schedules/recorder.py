"""A job function that only records its calls, for scheduler tests."""

from __future__ import annotations

from typing import Any

CALLS: list[dict[str, Any]] = []


def record(**kwargs: Any) -> str:
    CALLS.append(kwargs)
    return f"call {len(CALLS)}"
