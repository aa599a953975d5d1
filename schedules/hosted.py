"""Crawl many sites in a few processes: the scheduler's side of :mod:`schedules.crawl_host`.

A crawl host process costs about 130 MiB however many sites it crawls; each site in flight adds
a little (docs/deployment.md has the figures). :class:`HostPool` hands each site crawl to a host
with room (``sites_per_process``), starts a host when none has, and replaces one that died. A
site's crawl is a :class:`Ticket` its supervisor waits on, as it would wait on its own process.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from schedules.crawl_host import EVENT_PREFIX
from schedules.environment import REPO_ROOT

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child before exec: be killed when the process that started it dies (Linux).

    A crawl worker killed mid-crawl must not leave its crawls running on: the site's lock
    expires, another worker takes the site over, and two crawls of it would then overlap.
    """
    with contextlib.suppress(OSError):  # not Linux: the lock's lease still bounds the overlap
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class _Spawner:
    """Start crawl hosts from one thread that lives as long as this process.

    Linux sends the death signal when the *thread* that started a child ends, not its process:
    a host started from a job's thread would die with that job.
    """

    def __init__(self) -> None:
        self.requests: queue.Queue[tuple[Callable[[], Any], list[Any], threading.Event]]
        self.requests = queue.Queue()
        threading.Thread(target=self._serve, daemon=True, name="crawl-host-spawner").start()

    def _serve(self) -> None:
        while True:
            make, box, done = self.requests.get()
            try:
                box.append(make())
            except BaseException as error:
                box.append(error)
            done.set()

    def call(self, make: Callable[[], Any]) -> Any:
        box: list[Any] = []
        done = threading.Event()
        self.requests.put((make, box, done))
        done.wait()
        if isinstance(box[0], BaseException):
            raise box[0]
        return box[0]


_SPAWNER = _Spawner()


@dataclass
class Ticket:
    """One site's crawl in a host: done when the host said so, or when the host died."""

    site_key: str
    host: CrawlHost
    done: threading.Event = field(default_factory=threading.Event)
    error: str | None = None
    exit_code: int | None = None  # the host's exit status, when it died with the crawl in it

    def wait(self, timeout: float) -> bool:
        return self.done.wait(timeout)

    def stop(self) -> None:
        """Ask the crawler to close cleanly (as SIGTERM asks ``scrapy crawl``)."""
        self.host.send({"op": "stop", "site": self.site_key})


class CrawlHost:
    """One ``python -m schedules.crawl_host`` process and the tickets of its crawls."""

    def __init__(self, env: dict[str, str], log_file: Path | None) -> None:
        self.env = env
        self.tickets: dict[str, Ticket] = {}
        self.lock = threading.Lock()
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
        self._log: IO[bytes] = open(log_file or "/dev/null", "ab")  # noqa: SIM115 (host's life)
        self.process = _SPAWNER.call(self._popen)
        self.reader = threading.Thread(target=self._read, daemon=True, name="crawl-host-reader")
        self.reader.start()

    def _popen(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "schedules.crawl_host"],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            encoding="utf-8",
            preexec_fn=die_with_parent,
        )

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def in_flight(self) -> int:
        with self.lock:
            return len(self.tickets)

    def crawl(self, site_key: str, spider: str, base_url: str | None, full: bool) -> Ticket:
        ticket = Ticket(site_key, self)
        with self.lock:
            self.tickets[site_key] = ticket
        command = {"op": "crawl", "site": site_key, "spider": spider}
        self.send(command | {"base_url": base_url, "full": full})
        return ticket

    def send(self, command: dict[str, object]) -> None:
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the host is gone: the reader closes its tickets

    def close(self) -> None:
        """End of commands: the host ends once its crawls have."""
        try:
            assert self.process.stdin is not None
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if not line.startswith(EVENT_PREFIX):
                continue
            event = json.loads(line[len(EVENT_PREFIX) :])
            with self.lock:
                ticket = self.tickets.pop(event["site"], None)
            if ticket is not None:
                ticket.error = event.get("error")
                ticket.done.set()
        exit_code = self.process.wait()
        self._log.close()
        with self.lock:
            orphans, self.tickets = list(self.tickets.values()), {}
        for ticket in orphans:
            ticket.exit_code = exit_code
            ticket.error = f"crawl process exited with status {exit_code} during the crawl"
            ticket.done.set()


class HostPool:
    """Crawl host processes, each with up to ``sites_per_process`` sites in flight."""

    def __init__(
        self, env: dict[str, str], sites_per_process: int, log_dir: Path | None = None
    ) -> None:
        self.env = env
        self.sites_per_process = sites_per_process
        self.log_dir = log_dir
        self.hosts: list[CrawlHost] = []
        self.lock = threading.Lock()
        self.started = 0

    def crawl(self, site_key: str, spider: str, base_url: str | None, full: bool) -> Ticket:
        """Start ``site_key``'s crawl in a host with room."""
        with self.lock:
            self.hosts = [host for host in self.hosts if host.alive]
            host = (
                next((h for h in self.hosts if h.in_flight() < self.sites_per_process), None)
                or self._start_host()
            )
            return host.crawl(site_key, spider, base_url, full)

    def _start_host(self) -> CrawlHost:
        self.started += 1
        log_file = None
        if self.log_dir is not None:
            log_file = self.log_dir / f"crawl-host-{self.started}.log"
        host = CrawlHost(self.env, log_file)
        self.hosts.append(host)
        log.info("started crawl process %d (pid %d)", self.started, host.process.pid)
        return host

    def close_idle(self) -> None:
        """Let hosts with no crawl in flight end: between nights no crawl process waits idle."""
        with self.lock:
            idle = [host for host in self.hosts if host.in_flight() == 0]
            self.hosts = [host for host in self.hosts if host not in idle]
        for host in idle:
            host.close()

    def pids(self) -> list[int]:
        return [host.process.pid for host in self.hosts if host.alive]

    def close(self, wait: float = 0.0) -> None:
        """Let every host end once its crawls have; wait up to ``wait`` seconds for them."""
        with self.lock:
            hosts, self.hosts = self.hosts, []
        for host in hosts:
            host.close()
        if not wait:
            return
        for host in hosts:
            try:
                host.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                host.process.kill()


_SHARED: HostPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool(env: dict[str, str], sites_per_process: int, log_dir: Path | None) -> HostPool:
    """This process's pool (the scheduler's, or a crawl worker's), made on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None or _SHARED.env != env:
            _SHARED = HostPool(env, sites_per_process, log_dir)
        _SHARED.sites_per_process = sites_per_process
        return _SHARED


def close_shared_pool(wait: float = 0.0) -> None:
    """Let this process's crawl hosts end (at shutdown, or after `schedules run-once`)."""
    global _SHARED
    with _SHARED_LOCK:
        pool, _SHARED = _SHARED, None
    if pool is not None:
        pool.close(wait)
