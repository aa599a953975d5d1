"""The ``letters`` spider: read the consultation columns' letters (信件) and look at their forms.

``uv run scrapy crawl letters -a site=sx-portal [-a base_url=http://127.0.0.1:PORT]``

For each column of the profile's ``[letters]`` table (:mod:`crawler.interaction.settings`) the
list is read page by page, each letter's detail page is read (标题, 来信时间, 状态, 回复时间,
回复单位: :mod:`crawler.interaction.pages`), and the column's form page, if the profile names
one, is loaded and looked at, never submitted (:mod:`crawler.interaction.forms`). Each letter
and each column's walk is stored with its pages (:mod:`crawler.interaction.pipelines`). A walk
is complete only when every list page and every letter was read: otherwise it says what was
not, and the inspection does not count an unanswered letter as missing from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.clock import clock_from_settings
from crawler.inspection.failures import describe
from crawler.interaction.forms import form_state
from crawler.interaction.items import LetterItem, LetterWalkItem
from crawler.interaction.pages import (
    ListedLetter,
    detail_fields,
    generic_list,
    generic_next,
    hanweb_list,
    hanweb_next,
)
from crawler.interaction.settings import LetterColumnSettings, letter_columns
from crawler.profiles import ProfileError, load_profile
from db.models.letters import FormState, LetterLayout

ANY_ERROR_STATUS = list(range(400, 600))


@dataclass
class _Walk:
    """One column being read: what is still outstanding, and what went wrong."""

    column: LetterColumnSettings
    started: dt.datetime
    pending: int = 0
    list_pages: int = 0
    listed: int = 0
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    list_response: Response | None = None
    form: FormState = FormState.NOT_LOOKED
    form_status: int | None = None
    form_response: Response | None = None


class LettersSpider(scrapy.Spider):
    name = "letters"
    custom_settings = {  # noqa: RUF012 (Scrapy reads this class attribute as is)
        "EXTENSIONS": {"crawler.recording.CrawlRecording": None},
        "ITEM_PIPELINES": {"crawler.interaction.pipelines.LettersPipeline": 300},
    }

    def __init__(self, site: str | None = None, base_url: str | None = None, **kw: Any) -> None:
        if not site:
            raise ProfileError("spider letters needs -a site=<profile key>")
        self.profile = load_profile(site, base_url)
        self.columns = letter_columns(self.profile)
        if not self.columns:
            where = self.profile.path or self.profile.key
            raise ProfileError(f"{where}: no [[letters.column]]: nothing for the letters spider")
        super().__init__(**kw)
        self.allowed_domains = self.profile.allowed_domains
        self.walks: dict[str, _Walk] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> LettersSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.clock = clock_from_settings(crawler.settings)
        for key, value in spider.profile.scrapy_settings().items():  # the site's politeness
            crawler.settings.set(key, value, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        for column in self.columns:
            walk = self.walks[column.key] = _Walk(column, self.clock())
            yield self._request(walk, column.url, self.list_page, page=1)
            if column.form_url:
                yield self._request(
                    walk,
                    column.form_url,
                    self.form_page,
                    handle_httpstatus_list=ANY_ERROR_STATUS,
                )

    def _request(self, walk: _Walk, url: str, callback: Any, **meta: Any) -> Request:
        walk.pending += 1
        return Request(
            url,
            callback=callback,
            errback=self.failed,
            dont_filter=True,
            meta={"column": walk.column.key, **meta},
        )

    # ------------------------------------------------------------------ callbacks
    def list_page(self, response: Response) -> Iterator[Any]:
        walk = self.walks[response.meta["column"]]
        entry = walk.column.entry
        walk.list_pages += 1
        walk.list_response = walk.list_response or response
        text = response.text if isinstance(response, TextResponse) else ""
        if entry.layout == LetterLayout.HANWEB:
            listed, after = hanweb_list(text, response.url), hanweb_next(text, response.url)
        else:
            listed = generic_list(text, response.url, entry.options)
            after = generic_next(text, response.url, entry.options)
        if not listed and response.meta["page"] == 1:
            # an empty mailbox and a layout not recognised look the same: prove nothing
            walk.problems.append(f"no letter recognised on {response.url}")
        for letter in listed:
            if letter.url in walk.seen:
                continue
            walk.seen.add(letter.url)
            walk.listed += 1
            yield self._request(
                walk, letter.url, self.detail_page, listed=letter, list_response=response
            )
        if after and after not in walk.seen:
            if response.meta["page"] >= entry.max_pages:
                walk.problems.append(f"stopped after {entry.max_pages} list pages (max_pages)")
            else:
                walk.seen.add(after)
                yield self._request(walk, after, self.list_page, page=response.meta["page"] + 1)
        yield from self._done(walk)

    def detail_page(self, response: Response) -> Iterator[Any]:
        walk = self.walks[response.meta["column"]]
        listed: ListedLetter = response.meta["listed"]
        text = response.text if isinstance(response, TextResponse) else ""
        fields = detail_fields(text).merged(listed.fields)
        yield from self._letter(walk, listed.url, fields, response.meta["list_response"], response)
        yield from self._done(walk)

    def form_page(self, response: Response) -> Iterator[Any]:
        walk = self.walks[response.meta["column"]]
        text = response.text if isinstance(response, TextResponse) else None
        walk.form, walk.form_status = form_state(response.status, text), response.status
        walk.form_response = response
        yield from self._done(walk)

    def failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        walk = self.walks[request.meta["column"]]
        _, message = describe(failure)
        if request.callback == self.form_page:
            walk.form = FormState.FORM_ERROR
            self.logger.warning("form page %s: %s", request.url, message)
        elif request.callback == self.detail_page:
            walk.problems.append(f"letter page {request.url} not read: {message}")
            listed: ListedLetter = request.meta["listed"]
            yield from self._letter(walk, listed.url, listed.fields, request.meta["list_response"])
        else:
            walk.problems.append(f"list page {request.url} not read: {message}")
        yield from self._done(walk)

    # ------------------------------------------------------------------ results
    def _letter(
        self,
        walk: _Walk,
        url: str,
        fields: Any,
        list_response: Response | None,
        detail: Response | None = None,
    ) -> Iterator[LetterItem]:
        if fields.submitted_on is None or fields.status is None:
            missing = "来信时间" if fields.submitted_on is None else "状态"
            walk.problems.append(f"letter {url} shows no {missing}")
            return
        yield LetterItem(walk.column.key, url, fields, self.clock(), list_response, detail)

    def _done(self, walk: _Walk) -> Iterator[LetterWalkItem]:
        walk.pending -= 1
        if walk.pending:
            return
        yield LetterWalkItem(
            column=walk.column.key,
            walked_at=walk.started,
            complete=not walk.problems and walk.list_pages > 0,
            list_pages=walk.list_pages,
            letters_listed=walk.listed,
            problem="; ".join(walk.problems)[:2000] or None,
            form_state=walk.form,
            form_url=walk.column.form_url,
            form_http_status=walk.form_status,
            list_response=walk.list_response,
            form_response=walk.form_response,
        )
