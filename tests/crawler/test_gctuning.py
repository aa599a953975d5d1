"""The collector tuning extension: frozen while the engine runs, restored when it stops."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured

from crawler.gctuning import GcTuning
from tests.crawls import project_crawler


def test_heap_is_frozen_and_thresholds_raised_while_crawling_then_restored() -> None:
    before = gc.get_threshold()
    crawler = project_crawler(settings={"EGOV_GC_THRESHOLDS": "40000,15,15"})
    tuning = GcTuning.from_crawler(crawler)
    try:
        tuning.engine_started()
        assert gc.get_threshold() == (40_000, 15, 15)
        assert gc.get_freeze_count() > 0
    finally:
        tuning.engine_stopped()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_switched_off_by_setting() -> None:
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(project_crawler(settings={"EGOV_GC_TUNING": False}))
