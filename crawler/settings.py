"""Scrapy settings of the project; per-site politeness comes from the site profile.

Custom settings carry the ``EGOV_`` prefix; each has a default here and a line saying what it
does. The database URL is not a Scrapy setting: it comes from :func:`db.config.load_settings`.
"""

from __future__ import annotations

BOT_NAME = "egov-watch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
COMMANDS_MODULE = "crawler.commands"  # `scrapy crawl` checks the site profile before starting

# Say who we are: site operators can see the crawl is the city's own monitoring.
USER_AGENT = (
    "egov-watch/0.1 (Shaoxing e-government assessment monitor; "
    "+https://www.sx.gov.cn; contact: 市电子政务中心)"
)
ROBOTSTXT_OBEY = False  # the assessed sites are the city's own; the profile sets politeness
COOKIES_ENABLED = True

# Politeness defaults; a site profile's [politeness] table overrides them per site.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30

# Retries on 5xx and timeouts, with exponential backoff (EGOV_RETRY_BACKOFF_*).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# A government page is never this large; a bigger body is a fault, not a post.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024

# Follow redirects, but the offsite-redirect middleware refuses those that leave the site.
REDIRECT_ENABLED = True

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.RetryBackoffMiddleware": 540,
    "crawler.middlewares.AntiBotChallengeMiddleware": 560,
    "crawler.middlewares.OffsiteRedirectMiddleware": 650,
}
SPIDER_MIDDLEWARES = {
    # Walks are bounded by list pagination, not link depth: no depth to track on every output.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    # Before HttpErrorMiddleware (50): error pages are evidence too.
    "crawler.middlewares.EvidenceMiddleware": 40,
    # Closest to the spider: a callback's exception quarantines its page; the crawl goes on.
    "crawler.quarantine.QuarantineMiddleware": 950,
}
EXTENSIONS = {
    "crawler.recording.CrawlRecording": 100,
    "crawler.gctuning.GcTuning": 0,
}
ITEM_PIPELINES = {
    "crawler.pipelines.PortalPostPipeline": 300,
}

# Project settings (EGOV_ prefix).
EGOV_RETRY_BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each retry
EGOV_RETRY_BACKOFF_MAX = 30.0  # upper bound of one backoff wait, seconds
EGOV_INCREMENTAL_OVERLAP_PAGES = 0  # list pages walked past the one proving nothing new below
EGOV_COMMIT_EVERY = 200  # evidence rows written per batch (one commit; a crash loses one batch)
EGOV_COMMIT_SECONDS = 30.0  # a batch is written at the latest this long after its first row
EGOV_EVIDENCE = True  # False: crawl without recording the run or storing evidence
EGOV_HEALTH_MAX_ERROR_RATE = 0.05  # failed requests / requests above this = unhealthy
EGOV_HEALTH_MAX_PARSE_FAILURE_RATE = 0.02  # quarantined / detail pages above this = unhealthy
EGOV_DATE_EARLIEST_YEAR = 1995  # a post dated before this year is quarantined, not counted
EGOV_DATE_FUTURE_MARGIN_DAYS = 1.0  # a post dated more than this ahead of now is quarantined
EGOV_HEARTBEAT_SECONDS = 60.0  # a running crawl refreshes crawl_runs.heartbeat_at this often
# (the limit after which a silent run counts as dead is EGOV_HEARTBEAT_LIMIT_SECONDS, db/config.py)
EGOV_GC_TUNING = True  # freeze the heap once the engine started, skip it in collections
EGOV_GC_THRESHOLDS = [50_000, 20, 20]  # gc.set_threshold while crawling (crawler/gctuning.py)
EGOV_CLOCK = ""  # ISO instant (with zone) to stamp crawls, probes and link checks from; replays
# The national inspection's probe and link-check spiders (crawler/spiders/probe.py, linkcheck.py).
EGOV_PROBE_TIMEOUT = 30.0  # seconds one probe may take; above the 15 s "slow" line, on purpose
EGOV_LINKCHECK_TIMEOUT = 20.0  # seconds one link check request may take before it counts failed
EGOV_LINKCHECK_CONCURRENCY_PER_HOST = 1  # link checks in flight per host, the site's or not
EGOV_LINKCHECK_DELAY = 1.0  # seconds between two requests to one host
EGOV_LINKCHECK_MAX_LINKS = 2000  # links checked per run; the rest are recorded as skipped
EGOV_LINKCHECK_MAX_LINKS_PER_HOST = 300  # links checked per host and run; the rest skipped

# The pipelines only buffer rows for the evidence writer (no I/O to overlap): processing a
# callback's output one at a time spares Scrapy 100 asyncio tasks per response (its default).
CONCURRENT_ITEMS = 1

# Scrapy checks a generator callback for a `return value` by parsing its source, again for every
# response (its cache is keyed on the bound method, new each time): a tenth of a crawl's CPU.
WARN_ON_GENERATOR_RETURN_VALUE = False

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# Scrapy's, except that items are logged only at LOG_LEVEL DEBUG (no record built per post).
LOG_FORMATTER = "crawler.logformatter.ItemLogFormatter"
LOG_LEVEL = "INFO"
