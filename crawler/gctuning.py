"""Keep Python's garbage collector from rescanning the crawl's long-lived heap.

A crawl holds hundreds of thousands of objects that live as long as the process (Scrapy,
Twisted, SQLAlchemy, lxml modules and their classes, the site profile, the settings) plus
requests waiting in the scheduler. CPython's full (generation 2) collection walks all of them,
again and again while the crawl allocates responses and items: about a tenth of a crawl's CPU,
and none of it finds garbage, since the crawl's objects are freed by reference counting.

:class:`GcTuning` (a Scrapy extension, EGOV_GC_TUNING) collects once when the engine has
started, then moves everything alive into the permanent generation (:func:`gc.freeze`) so that
later collections skip it, and raises the collection thresholds (EGOV_GC_THRESHOLDS) so that
young collections run less often. Cycles are still collected. When the engine stops, the
thresholds are restored and the frozen objects handed back to the collector, so a process
that runs several crawls (the tests, the scheduler) keeps its usual collector.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)


class GcTuning:
    """Freeze the heap as it is once the engine started; raise the thresholds while crawling."""

    def __init__(self, thresholds: tuple[int, int, int]) -> None:
        self.thresholds = thresholds
        self._saved: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GcTuning:
        settings = crawler.settings
        if not settings.getbool("EGOV_GC_TUNING"):
            raise NotConfigured("EGOV_GC_TUNING is off: the collector keeps its defaults")
        values = settings.getlist("EGOV_GC_THRESHOLDS")
        if len(values) != 3:
            raise ValueError(f"EGOV_GC_THRESHOLDS needs three integers, not {values!r}")
        extension = cls((int(values[0]), int(values[1]), int(values[2])))
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        if self._saved is not None:
            return
        gc.collect()  # startup garbage is not frozen with the rest
        gc.freeze()
        self._saved = gc.get_threshold()
        gc.set_threshold(*self.thresholds)
        logger.debug("froze %s objects; gc thresholds %s", gc.get_freeze_count(), self.thresholds)

    def engine_stopped(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None
