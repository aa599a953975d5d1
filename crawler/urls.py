"""Canonical URLs and counting identities of posts.

Canonical URL (``portal_posts.canonical_url``): the link resolved against the page, with the
scheme and host lower-cased, default port, fragment and ``;jsessionid=`` dropped, query keys
sorted, and the origin replaced by the profile's *declared* base URL when the crawl ran against
another base (a sample site on an ephemeral port, a mirror): the same article keeps the same
canonical URL wherever it was fetched from. ``fetched_pages.url`` keeps the URL really fetched.

Identity (``portal_posts.identity_key``): one article reached through several columns or URLs
(Hanweb shows one article as ``art_1229_77.html`` and ``art_1231_77.html``) counts once. The
key is the SHA-256 of the normalised title, the claimed publication time to the minute in
Asia/Shanghai, and the normalised source name. Title alone merges distinct posts that reuse a
title ("工作动态"); a body fingerprint splits copies whose templates differ (breadcrumbs, column
names, view counters). Two posts of one source, same title, same minute are one article.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crawler.dates import SHANGHAI

_JSESSIONID = re.compile(r";jsessionid=[^?#/]*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


def canonical_url(
    url: str, base: str | None = None, crawl_base: str | None = None, site_base: str | None = None
) -> str:
    """Return the canonical form of ``url`` (resolved against ``base``).

    A URL on ``crawl_base``'s host is moved onto ``site_base`` (the profile's declared base).
    """
    absolute = urljoin(base, url.strip()) if base else url.strip()
    absolute = _JSESSIONID.sub("", absolute)
    canonical = canonicalize_url(absolute, keep_fragments=False)
    if crawl_base and site_base:
        parts, crawl, site = urlsplit(canonical), urlsplit(crawl_base), urlsplit(site_base)
        if parts.netloc == crawl.netloc.lower():
            canonical = urlunsplit((site.scheme, site.netloc, parts.path, parts.query, ""))
    return canonical


def normalize_title(title: str) -> str:
    """Return the comparison form of a title: NFKC, no whitespace, lower case."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", title)).lower()


def identity_key(title: str, published_at: dt.datetime, source_normalized: str | None) -> str:
    """Return the counting identity of a post (see the module docstring)."""
    minute = published_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    text = "\x1f".join((normalize_title(title), minute, source_normalized or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
