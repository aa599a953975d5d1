"""Job functions for the lane tests: a crawl that holds its thread until released."""

from __future__ import annotations

import threading
import time

RELEASE = threading.Event()
STARTED: list[tuple[str, float]] = []


def hold(name: str) -> str:
    """Stand for a long crawl: occupy the lane's thread until the test releases it."""
    STARTED.append((name, time.monotonic()))
    RELEASE.wait(timeout=30)
    return name


def note(name: str) -> str:
    """Stand for a probe: say when it ran."""
    STARTED.append((name, time.monotonic()))
    return name
