"""The national inspection's own crawls: reachability probes and link checks.

- :mod:`crawler.inspection.site`: the ``[inspection]`` table of a site profile (home page,
  probed columns, the site's other hosts such as its object storage);
- :mod:`crawler.inspection.homepage`: the newest item date a home page shows;
- :mod:`crawler.inspection.links`: the links of a page and whether they are the site's own;
- :mod:`crawler.inspection.failures`: a failed request as an error kind and message;
- :mod:`crawler.inspection.store`: the rows the probe and link-check pipelines write;
- :mod:`crawler.inspection.pipelines`: those pipelines.

The spiders are ``crawler/spiders/probe.py`` and ``crawler/spiders/linkcheck.py``. They write
``probe_results``, ``link_check_runs`` and ``link_checks`` (and the pages they read, as evidence,
in ``fetched_pages``), never the crawl tables of the nightly walk.
"""
