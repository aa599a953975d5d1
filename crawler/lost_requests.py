"""Say in words why a request was lost: the message a reader of the evidence needs.

Scrapy loses a request in several ways, and some say little: a body streamed past
DOWNLOAD_MAXSIZE without Content-Length is cancelled with an empty message, a gzip bomb is an
``IgnoreRequest``, and a redirect back to a URL already fetched is dropped by the duplicate
filter without any error at all (only the ``request_dropped`` signal). :func:`failure_reason`
turns a request's failure (what its errback receives) and :func:`dropped_reason` a dropped
request into one readable sentence, e.g. ``redirect loop: A → B → A``, ``body over the 16 MiB
cap (streamed without Content-Length)``, ``timed out after 30 s (3 attempts)``. The recording
stores it in ``request_failures``; the request's column is then not complete.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from db.models import PageKind

_EXPECTED_SIZE = re.compile(r"Expected to receive (\d+) bytes")
_STATUS_PHRASES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    408: "Request Timeout", 410: "Gone", 429: "Too Many Requests",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout",
}  # fmt: skip
_TIMEOUTS = (DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError)
_REFUSED = (DownloadConnectionRefusedError, tx.ConnectionRefusedError)
_DNS = (CannotResolveHostError, tx.DNSLookupError)
_CUT_OFF = (
    DownloadFailedError,
    ResponseDataLossError,
    ResponseFailed,
    tx.ConnectionDone,
    tx.ConnectionLost,
)


def size_text(size: int) -> str:
    """``16 MiB``, ``488.3 KiB`` or ``900 bytes``: a size as an operator reads it."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            whole = size % factor == 0
            return f"{size // factor} {unit}" if whole else f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def _cap(request: Request, settings: BaseSettings) -> str:
    cap = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
    return size_text(int(cap))


def _chain(urls: list[str]) -> str:
    """``A → B → C``, the middle left out when a chain is long."""
    if len(urls) > 6:
        urls = [*urls[:3], "…", *urls[-2:]]
    return " → ".join(urls)


def _attempts(request: Request) -> str:
    retries = int(request.meta.get("retry_times", 0) or 0)
    return f" ({retries + 1} attempts)" if retries else ""


def is_over_cap(failure: Failure) -> bool:
    """Whether the download was cancelled for a body over DOWNLOAD_MAXSIZE.

    Scrapy's HTTP/1.1 handler cancels in two places: before reading, when Content-Length
    announces too much (the message says "max size"), and while reading a body streamed without
    Content-Length, by cancelling the download with no message at all (a timeout cancels too,
    but becomes ``DownloadTimeoutError``).
    """
    if not failure.check(DownloadCancelledError):
        return False
    message = str(failure.value)
    return "max size" in message or not message


def is_decompression_bomb(failure: Failure) -> bool:
    """Whether HttpCompressionMiddleware refused a body inflating past DOWNLOAD_MAXSIZE."""
    return bool(failure.check(IgnoreRequest)) and "during decompression" in str(failure.value)


def failure_reason(failure: Failure, settings: BaseSettings) -> str:
    """Return why the request of ``failure`` was lost, as a sentence (never a class name)."""
    request: Request = failure.request  # type: ignore[attr-defined]
    value: Any = failure.value
    message = str(value).strip()
    if is_over_cap(failure):
        announced = _EXPECTED_SIZE.search(message)
        if announced:
            size = size_text(int(announced.group(1)))
            return f"body over the {_cap(request, settings)} cap ({size} announced)"
        return f"body over the {_cap(request, settings)} cap (streamed without Content-Length)"
    if failure.check(HttpError):
        status = value.response.status
        phrase = _STATUS_PHRASES.get(status, "")
        return f"HTTP {status}{' ' + phrase if phrase else ''}{_attempts(request)}"
    if failure.check(*_TIMEOUTS):
        seconds = request.meta.get("download_timeout") or settings.getfloat("DOWNLOAD_TIMEOUT")
        return f"timed out after {float(seconds):g} s{_attempts(request)}"
    if failure.check(*_REFUSED):
        return f"connection refused by {_host(request)}{_attempts(request)}"
    if failure.check(*_DNS):
        return f"DNS lookup failed for {_host(request, port=False)}{_attempts(request)}"
    if failure.check(*_CUT_OFF):
        return f"connection lost before the response was complete{_attempts(request)}"
    if failure.check(tx.ConnectError):
        return f"could not connect to {_host(request)}: {message or 'no reason given'}"
    if failure.check(IgnoreRequest):
        return _ignored_reason(request, message, settings)
    return message or f"request failed without a message ({type(value).__name__})"


def _ignored_reason(request: Request, message: str, settings: BaseSettings) -> str:
    if message == "max redirections reached":
        chain = _chain([*request.meta.get("redirect_urls", []), request.url])
        limit = settings.getint("REDIRECT_MAX_TIMES")
        return f"too many redirects (over {limit}): {chain} → …"
    if "during decompression" in message:  # HttpCompressionMiddleware's refusal
        return f"decompressed body over the {_cap(request, settings)} cap (gzip bomb?)"
    return message or "request ignored without a reason"


def dropped_reason(request: Request) -> str | None:
    """Why the duplicate filter dropping ``request`` lost something; None when it did not.

    A redirect to a URL this run already requested is dropped without an error: back to a URL
    of its own chain it is a loop, to another it is a page reached twice. A list page dropped
    as a duplicate ends its column's walk. Other duplicates are the spider's own (it asks for
    each URL once) and lose nothing.
    """
    chain = list(request.meta.get("redirect_urls", []))
    if chain:
        if request.url in chain:
            return f"redirect loop: {_chain([*chain, request.url])}"
        return (
            f"redirected to a URL already requested by this run (dropped as a duplicate): "
            f"{_chain([*chain, request.url])}"
        )
    if request.meta.get("page_kind") == PageKind.LIST:
        return f"list page dropped as a duplicate of a request already made: {request.url}"
    return None


def _host(request: Request, port: bool = True) -> str:
    parts = urlsplit(request.url)
    return parts.netloc if port else (parts.hostname or parts.netloc)
