"""Faults a sample site can answer with, for the tests that prove no lost request goes unsaid.

Each function returns a :class:`~samplesites.server.Response` (or a handler) that a test puts in
place of a sample site's own answer for one path:

- :func:`redirect_to`: a 302 to another path (two of them pointing at each other make a loop,
  which Scrapy's duplicate filter drops without an error);
- :func:`endless_redirects`: a path redirecting to itself with a growing query, forever (more
  redirects than REDIRECT_MAX_TIMES);
- :func:`streamed_body`: a body larger than the crawler's cap, streamed without Content-Length
  (Scrapy cancels it with an empty message);
- :func:`gzip_bomb`: a small gzip body that inflates past the cap (refused during
  decompression);
- :func:`slow` (a delay for ``tests.reliability.conftest.Faulty``): a path answering after the
  crawler's timeout.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from functools import lru_cache

from samplesites.server import Request, Response

CHUNK = 64 * 1024


def redirect_to(location: str, status: int = 302) -> Response:
    """A redirect to ``location`` (a path on the same site, or a URL)."""
    return Response(status, b"", headers={"Location": location})


def endless_redirects(request: Request) -> Response:
    """Redirect ``request`` to its own path with one more ``hop``: never an answer."""
    hop = int((request.query.get("hop") or ["0"])[0]) + 1
    return redirect_to(f"{request.path}?hop={hop}")


def streamed_body(size: int) -> Response:
    """An HTML body of ``size`` bytes, streamed in chunks without Content-Length."""

    def chunks() -> Iterator[bytes]:
        yield b"<html><body>"
        sent = 12
        while sent < size:
            piece = min(CHUNK, size - sent)
            yield b" " * piece
            sent += piece

    return Response(200, stream=chunks())


@lru_cache(maxsize=4)
def _compressed_zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


def gzip_bomb(size: int) -> Response:
    """A gzip body that inflates to ``size`` bytes (a thousand times its own length)."""
    return Response(200, _compressed_zeros(size), headers={"Content-Encoding": "gzip"})


def slow(paths: set[str], seconds: float) -> Callable[[str], float]:
    """A delay function: ``seconds`` for each of ``paths``, none for the others."""
    return lambda path: seconds if path in paths else 0.0
