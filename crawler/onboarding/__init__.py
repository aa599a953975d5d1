"""Onboard a site in minutes: ``sites discover`` writes its profile, ``sites check`` tries it.

- :mod:`crawler.onboarding.fetch`: one page at a time, with a timeout and one-line errors;
- :mod:`crawler.onboarding.recognise`: which platform a page is on (JPaaS, jpage, TRS, xxgk,
  generic) and which of its links lead to columns;
- :mod:`crawler.onboarding.discover`: a site's columns, their options read from the pages, the
  departments of a disclosure platform's catalogue resolved through the registry;
- :mod:`crawler.onboarding.writer`: the commented profile file;
- :mod:`crawler.onboarding.check`: the first list page of every column, and what looks wrong;
- :mod:`crawler.onboarding.cli`: the ``sites`` command.

These read pages with the standard library, not Scrapy: a few sequential requests, no
evidence stored. The parsers are the crawler's own, so what ``check`` reads is what a crawl
reads.
"""
