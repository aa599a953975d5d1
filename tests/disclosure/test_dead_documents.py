"""A listed document whose page is gone was published: gone, never missing, its 文号 no gap.

The sample platform lists four numbered documents whose page answers 404, 410, a soft-404 page
with status 200, or a 302 to the error page. After ``scrapy crawl disclosure`` and the register
import, their register rows are ``gone`` (not ``missing``, their lag not judged) and their
numbers are no gap candidates; every column's walk is complete.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_factory
from db.models import CrawlColumnResult, CrawlRun, DisclosureDocument, GonePage
from samplesites import sample_profile
from samplesites.disclosure import SampleDisclosure
from samplesites.server import serving
from scoring.assessment.disclosure_checks import disclosure_counts
from scoring.assessment.number_gaps import number_gaps
from scoring.assessment.register_matching import unpublished_entries
from scoring.entries.register import import_register
from tests.crawls import scrapy_crawl
from tests.evidence_queries import with_registry

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_dead_documents_are_gone_not_missing_and_leave_no_gap(
    database_url: str, tmp_path: Path
) -> None:
    url = with_registry(database_url)
    sample = SampleDisclosure(dead_documents=4)
    dead = {d.path: d for d in sample.truth if d.path in sample.dead}
    with serving(sample) as server:
        done = scrapy_crawl(
            url, "disclosure", sample_profile("sample-disclosure"), base_url=server.url
        )
    assert done.returncode == 0, done.stderr[-3000:]

    engine = make_engine(url)
    with session_factory(engine)() as session:
        run = session.scalar(select(CrawlRun))
        assert run is not None and run.healthy, run.health_problems
        statuses = set(session.scalars(select(CrawlColumnResult.status)))
        assert statuses == {"complete"}
        gone = {title: status for title, status in session.execute(
            select(GonePage.list_title, GonePage.http_status))}  # fmt: skip
        assert gone == {
            d.title: {"404": 404, "410": 410, "soft404": 200, "redirect": 302}[sample.dead[path]]
            for path, d in dead.items()
        }
        assert session.query(DisclosureDocument).count() == len(sample.truth) - len(dead)

        register_file = tmp_path / "register.csv"
        register_file.write_bytes(sample.register_csv())
        assert import_register(session, register_file).problems == []
        session.commit()
        year = (dt.date(2012, 1, 1), dt.date(2012, 12, 31))
        entries = unpublished_entries(session, start=year[0], end=year[1], cutoff=None)
        by_key = {e.doc_number_key: e.status for e in entries}
        assert {by_key[d.doc_number_key] for d in dead.values()} == {"gone"}
        # Without the explanations file, the explained ones are missing too; no dead one is.
        expected_missing = sum(e.status in ("missing", "explained") for e in sample.register)
        assert sum(e.status == "missing" for e in entries) == expected_missing
        counts = disclosure_counts(session, start=year[0], end=year[1], limit_days=5)
        assert sum(c.gone for c in counts.values()) == len(dead)
        gap_keys = {g.doc_number_key for g in number_gaps(session, year=2012)}
        assert not gap_keys & {d.doc_number_key for d in dead.values()}
    engine.dispose()
