"""What the crawl benchmarks share: a request-recording server wrapper and a measured child.

:func:`run_measured` runs a command as a child process and returns its own CPU seconds (user +
system) and peak RSS from ``wait4``, so the sample server (a thread of the benchmark process)
and other children never count.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from samplesites.server import Handler, Request, Response

REPO = Path(__file__).resolve().parents[1]
POLITENESS_OFF = [
    "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s", "LOG_LEVEL=WARNING",
]  # fmt: skip


@dataclass(frozen=True)
class Measured:
    """One child process: exit code, wall seconds, CPU seconds, peak resident set (MiB)."""

    returncode: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_mib: float


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, log: Path
) -> Measured:
    """Run ``command``; return its exit code, wall time, CPU time and peak RSS."""
    started = time.perf_counter()
    with open(log, "wb") as output:
        child = subprocess.Popen(
            list(command), cwd=cwd, env=dict(env or os.environ), stdout=output, stderr=output
        )
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        returncode=child.returncode,
        wall_seconds=time.perf_counter() - started,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,
    )


@dataclass
class Recording:
    """Wrap a sample site: answer as it does, and keep every request it was sent."""

    handler: Handler
    requests: list[dict[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""

    def __call__(self, request: Request) -> Response:
        query = urlencode([(k, v) for k, values in request.query.items() for v in values])
        path = request.path + (f"?{query}" if query else "")
        with self._lock:
            self.requests.append(
                {
                    "path": path,
                    "method": request.method,
                    "body": request.body.decode("latin-1"),
                    "content_type": request.headers.get("content-type", ""),
                }
            )
        return self.handler(request)

    def replay_list(self, base_url: str) -> list[dict[str, str]]:
        """The recorded requests as the bare spider sends them, against ``base_url``."""
        return [{**r, "url": base_url + r.pop("path")} for r in map(dict, self.requests)]
