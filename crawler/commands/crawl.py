"""``scrapy crawl``, checking the site profile before Scrapy starts.

A profile mistake (missing file, unknown key or option, a department the registry does not
know) prints one line, ``Error: …``, and exits with status 1 before Scrapy starts, so before
any request is made, instead of a traceback from inside the spider. Everything else is
Scrapy's own ``crawl``.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from crawler.departments import resolve_departments
from crawler.profiles import ProfileError, load_profile


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        site = (opts.spargs or {}).get("site")
        if not args or not site:
            return  # the spider itself says what is missing
        try:
            profile = load_profile(site, opts.spargs.get("base_url"))
            resolve_departments(profile)
        except ProfileError as error:
            print(f"Error: {error}", file=sys.stderr)
            sys.exit(1)
