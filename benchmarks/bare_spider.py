"""The anchor of the crawl benchmarks: a bare Scrapy spider replaying a recorded request list.

    scrapy runspider benchmarks/bare_spider.py -a requests=FILE.json [-s …]

``FILE.json`` holds ``[{"url", "method", "body", "content_type"}, …]`` (the body as latin-1
text), as :mod:`benchmarks.crawl_portal` recorded them at the sample server during the product's
crawl. Every request is sent once (no duplicate filter), every response dropped: what remains
is Scrapy's own cost of fetching the same URL set. Run it outside the project directory, so
that none of the project's middlewares, pipelines or extensions load.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, requests: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with open(requests, encoding="utf-8") as file:
            self.recorded: list[dict[str, str]] = json.load(file)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for item in self.recorded:
            headers = {"Content-Type": item["content_type"]} if item["content_type"] else {}
            yield scrapy.Request(
                item["url"],
                method=item["method"],
                body=item["body"].encode("latin-1"),
                headers=headers,
                callback=self.parse,
                dont_filter=True,
            )

    def parse(self, response: Response) -> None:
        return None
