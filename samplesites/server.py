"""A small threaded HTTP server on the loopback interface, driven by a handler function."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"


Handler = Callable[[Request], Response]


class _RequestHandler(BaseHTTPRequestHandler):
    handler: Handler
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        form = {}
        if "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            form = parse_qs(body.decode("latin-1"), keep_blank_values=True)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            form=form,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = type(self).handler(request)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: tests and the demo print their own progress."""


class LocalServer:
    """A running server; ``url`` is its base URL, e.g. ``http://127.0.0.1:41234``."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        request_handler = type(
            "BoundHandler", (_RequestHandler,), {"handler": staticmethod(handler)}
        )
        self._httpd = ThreadingHTTPServer((host, port), request_handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def serving(handler: Handler, host: str = "127.0.0.1", port: int = 0) -> Iterator[LocalServer]:
    """Serve ``handler`` in a background thread for the duration of the block."""
    server = LocalServer(handler, host, port).start()
    try:
        yield server
    finally:
        server.stop()
