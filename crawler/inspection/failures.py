"""Say why a request failed, in the words the inspection tables keep (``error_kind``).

``timeout`` and ``connection`` (refused, reset, lost) and ``dns`` are the site's failures;
``blocked`` (an anti-bot challenge answered), ``robots`` (robots.txt forbids the check) and
``refused_redirect`` (a redirect off the site) are not a broken link nor a site down: the
inspection does not count them against the site.
"""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import BaseSettings
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from crawler.lost_requests import failure_reason
from crawler.middlewares import AntiBotBlocked, OffsiteRedirectRefused
from db.models.inspection import NOT_AGAINST_THE_SITE

NOT_THE_SITES_FAULT = NOT_AGAINST_THE_SITE


def _scrapy(*names: str) -> tuple[type[BaseException], ...]:
    """Scrapy's own download errors (2.13+ wraps Twisted's in them), where they exist."""
    return tuple(getattr(scrapy_errors, name) for name in names if hasattr(scrapy_errors, name))


TIMEOUTS = (net.TimeoutError, net.TCPTimedOutError, *_scrapy("DownloadTimeoutError"))
DNS = (net.DNSLookupError, *_scrapy("CannotResolveHostError"))
CONNECTION = (
    net.ConnectionRefusedError,
    net.ConnectError,
    net.ConnectionLost,
    net.ConnectionDone,
    ResponseFailed,
    ResponseNeverReceived,
    *_scrapy("DownloadConnectionRefusedError", "DownloadFailedError", "ResponseDataLossError"),
)


def describe(failure: Failure, settings: BaseSettings | None = None) -> tuple[str, str]:
    """Return (error kind, one-line message) for a failed request.

    With the crawl's ``settings`` the message is the sentence a lost request gets
    ("connection refused by 127.0.0.1:9", :func:`crawler.lost_requests.failure_reason`), not
    the exception's name and Twisted's wording.
    """
    if settings is not None and getattr(failure, "request", None) is not None:
        message = failure_reason(failure, settings)[:500]
    else:
        message = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
    if failure.check(AntiBotBlocked):
        return "blocked", message
    if failure.check(OffsiteRedirectRefused):
        return "refused_redirect", message
    if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
        return "robots", message
    if failure.check(*TIMEOUTS):
        return "timeout", message
    if failure.check(*DNS):
        return "dns", message
    if failure.check(*CONNECTION):
        return "connection", message
    return "other", message
