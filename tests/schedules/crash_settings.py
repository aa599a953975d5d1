"""The project's Scrapy settings, with a component that fails for one site (``crash-me``)."""

from crawler.settings import *  # noqa: F403
from crawler.settings import EXTENSIONS

EXTENSIONS = {**EXTENSIONS, "tests.schedules.crash_settings.CrashForSite": 900}
EGOV_TEST_CRASH_SITE = "crash-me"


class CrashForSite:
    """Fail while the crawler of the named site is being built, as a broken component would."""

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        if crawler.spider.profile.key == crawler.settings.get("EGOV_TEST_CRASH_SITE"):
            raise RuntimeError("boom: a component of this crawler failed")
        return cls()
