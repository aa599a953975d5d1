"""The Scrapy project that crawls government sites and stores what it saw as evidence.

How a spider uses the core (the portal spider, ``crawler/spiders/portal.py``, is the example):

- Subclass :class:`crawler.spiders.base.SiteSpider`. It reads ``-a site=<profile key>`` (a file
  ``<EGOV_SITES_DIR>/<key>.toml``, default ``crawler/sites/``, or a path to a ``.toml`` file; see
  :mod:`crawler.profiles`) and the optional ``-a base_url=``, ``-a full=1``; applies the
  profile's politeness settings; sets ``allowed_domains``; names departments by short name
  (:mod:`crawler.departments`).
- Build requests with ``self.column_request(column, url, callback)``: the column travels in
  ``meta`` and failures land in the column's coverage (:mod:`crawler.coverage`).
- Every response that reaches a callback is already buffered as evidence (page_bodies +
  fetched_pages) by :class:`crawler.middlewares.EvidenceMiddleware`; ``self.page_id(response)``
  is its :class:`crawler.evidence.PageId`, whose number is set once its batch is written.
- ``self.recording`` (:class:`crawler.recording.CrawlRecording`, the extension, found through
  the crawler) holds the session, the ``sites``/``site_columns`` rows, the crawl run, the
  columns' coverage and the one evidence writer (:mod:`crawler.writer`: batched, set-based
  writes); the middlewares and pipelines find it in ``from_crawler``. It writes crawl_runs and
  crawl_column_results with health (:mod:`crawler.health`) when the spider closes.
- List parsers: :mod:`crawler.listing.jpaas`, :mod:`crawler.listing.jpage`,
  :mod:`crawler.listing.trs`, :mod:`crawler.listing.generic`, with the paged walks of the
  Hanweb lists in :mod:`crawler.paged_walks`; detail metadata: :mod:`crawler.detail`; dates:
  :mod:`crawler.dates`; page text of broken pages: :mod:`crawler.pagetext`; URLs and
  identities: :mod:`crawler.urls`; incremental walks: :mod:`crawler.incremental`.
- Onboarding a site (``sites discover``, ``sites check``): :mod:`crawler.onboarding`.
"""
