"""A small threaded HTTP server on the loopback interface, driven by a handler function.

A :class:`Response` is sent with its Content-Length; one with ``stream`` instead sends those
chunks without a Content-Length and closes the connection to end the body, as a server
streaming a generated page does (and as a fault test needs: the client cannot know the size).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
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
    stream: Iterable[bytes] | None = None  # sent without Content-Length, then the connection closes


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
        # The client may give up first (a timeout, a body over its cap): nothing left to say.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.stream is None:
            self.send_header("Content-Length", str(len(response.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.stream is None:
            self.wfile.write(response.body)
            return
        for chunk in response.stream:
            self.wfile.write(chunk)

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
