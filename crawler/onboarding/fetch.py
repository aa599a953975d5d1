"""Fetch one page for onboarding, with a timeout, decoded as the crawler decodes it.

Requests carry the crawler's User-Agent and default headers (``crawler/settings.py``): a site
that turns the crawler away must turn ``sites check`` away too, not pass it.

Errors a user can act on are :class:`FetchError` with a one-line message (the site cannot be
reached, did not answer in time); an HTTP error status is a :class:`Page` with that status,
for the caller to report.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode, urlsplit

from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings

DEFAULT_DELAY = 0.5  # seconds between two requests to a site that is not on this machine


class FetchError(Exception):
    """The page could not be fetched at all; the message is one line."""


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    text: str
    content_type: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def fetch(
    url: str,
    *,
    form: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 15.0,
) -> Page:
    """GET ``url`` (POST ``form`` when given) and return it decoded."""
    data = urlencode(form).encode("utf-8") if form is not None else None
    request = urllib.request.Request(url, data=data)
    for name, value in {**crawler_headers(), **(headers or {})}.items():
        request.add_header(name, value.encode("utf-8"))  # the User-Agent has Chinese in it
    if data is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return _page(answer.geturl(), answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return _page(url, error.code, error.headers, error.read() or b"")
    except TimeoutError:
        raise FetchError(f"{url}: no answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise FetchError(f"{url}: no answer within {timeout:g} s") from None
        raise FetchError(f"cannot reach {url}: {reason}") from None
    except (ValueError, OSError) as error:
        raise FetchError(f"cannot fetch {url}: {error}") from None


@cache
def crawler_headers() -> dict[str, str]:
    """The headers a crawl sends: Scrapy's default request headers and the crawler's User-Agent."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    headers = {str(k): str(v) for k, v in settings.getdict("DEFAULT_REQUEST_HEADERS").items()}
    return {**headers, "User-Agent": settings.get("USER_AGENT")}


def is_local(url: str) -> bool:
    """True for a site on this machine (a sample or a mirror on the loopback interface)."""
    host = urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class PoliteFetcher:
    """:func:`fetch` with at least ``delay`` seconds between two requests."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._last = 0.0

    def __call__(self, url: str, **kwargs: object) -> Page:
        wait = self._last + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        try:
            return fetch(url, **kwargs)  # type: ignore[arg-type]
        finally:
            self._last = time.monotonic()


def _page(url: str, status: int, headers: object, body: bytes) -> Page:
    content_type = str(getattr(headers, "get", lambda *_: "")("Content-Type") or "")
    kind = HtmlResponse if "html" in content_type or not content_type else TextResponse
    response = kind(
        url=url, body=body, headers={"Content-Type": content_type} if content_type else {}
    )
    return Page(url=url, status=status, text=response.text, content_type=content_type)
