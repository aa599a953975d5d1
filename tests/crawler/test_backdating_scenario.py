"""The walks recorded through a four-week outage prove exactly the provable backdated posts.

The scenario (:mod:`samplesites.timeline`, driven by :mod:`tests.backdating_scenario`): honest
posts every day, nightly and weekly crawls, four weeks with no crawl at all, then weekly full
walks, and twelve truly backdated posts inserted deep in the list. The assessment's proof
(:mod:`scoring.assessment.backdating`: a complete walk of the column that reached back past the
claimed
date, ran more than the margin after it, and did not list the post) finds every provable one,
calls the other backdated ones and the honest posts of the outage "not provable", and flags
no honest post; ``scoring explain`` shows the walks of the proof. The crawl-time rule it
replaced (first sighting more than 7 days after the claim) flags the honest posts of the outage.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from db.config import load_settings
from db.engine import make_engine, session_scope
from db.models import Department, PortalPost
from scoring.assessment.backdating import BACKDATED, NOT_PROVABLE, WITHIN_MARGIN, verdicts
from scoring.rules import rules_in_force
from tests.backdating_scenario import REPO, ScenarioResult, run_backdating_scenario
from tests.evidence_queries import with_registry

pytestmark = pytest.mark.slow
LATER = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _verdicts(url: str) -> dict[str, tuple[str, str, str, tuple[int, ...]]]:
    """canonical URL -> (verdict, department, month, witness runs)."""
    margin = rules_in_force(load_settings()).portal.backdating_margin
    engine = make_engine(url)
    with session_scope(engine) as session:
        posts = list(session.scalars(select(PortalPost)))
        names = dict(session.execute(select(Department.id, Department.short_name)).all())
        found = verdicts(session, posts, LATER, margin, with_pages=False)
        out = {
            p.canonical_url: (
                found[p.id].status,
                names.get(p.department_id, ""),
                p.published_month,
                tuple(w.crawl_run_id for w in found[p.id].witnesses),
            )
            for p in posts
        }
    engine.dispose()
    return out


def test_the_walks_prove_every_provable_backdated_post_and_no_honest_one(
    database_url: str,
) -> None:
    url = with_registry(database_url)
    result: ScenarioResult = run_backdating_scenario(url)
    assert len(result.run_ids) == 10
    judged = _verdicts(url)
    honest, provable, unprovable = result.honest_urls, result.provable_urls, result.unprovable_urls
    assert honest | provable | unprovable <= set(judged)  # every post of the timeline was stored
    assert (len(honest), len(provable), len(unprovable)) == (118, 8, 4)

    status = {u: judged[u][0] for u in honest | provable | unprovable}
    assert {u for u, s in status.items() if s == BACKDATED} == provable  # all found, no false one
    # not provable: nothing watched the list between the claim + 7 days and the first sighting,
    # or the post showed up within 7 days of its claim (nothing can tell it from an honest one)
    assert [status[u] for u in sorted(unprovable)].count(NOT_PROVABLE) == 3
    assert {status[u] for u in unprovable} == {NOT_PROVABLE, WITHIN_MARGIN}
    outage = {u for u in honest if status[u] == NOT_PROVABLE}
    assert {status[u] for u in honest - outage} == {WITHIN_MARGIN}
    assert len(outage) >= 40  # honest posts of the outage: first seen late, never accused

    # The crawl-time rule it replaced (first sighting more than 7 days after the claim) flagged
    # those honest posts, and all the backdated ones but one.
    late = {u for u, s in status.items() if s != WITHIN_MARGIN}
    assert outage <= late and len(late & (provable | unprovable)) == 11
    print(f"honest {len(honest)}: never flagged, {len(outage)} of them first seen late")
    print(f"backdated {len(provable | unprovable)}: {len(provable)} proved, {len(unprovable)} not")

    # scoring explain shows the proof of one: the witness walk's run and its list pages
    some = sorted(provable)[0]
    _, department, month, runs = judged[some]
    command = ["explain", "--department", department, "--month", month, "--cutoff", "2100-01-01"]
    explained = subprocess.run(
        [sys.executable, "-m", "scoring", *command, "--format", "json"],
        cwd=REPO,
        env={**os.environ, "EGOV_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert explained.returncode == 0, explained.stderr
    sections = {s["key"]: s for s in json.loads(explained.stdout)["sections"]}
    proof = [r for r in sections["backdating"]["rows"] if r["url"] == some]
    assert [r["crawl_run_id"] for r in proof] == list(runs) and runs
    assert all(r["verdict"] == BACKDATED and r["list_pages"] != "0" for r in proof)
    row = next(r for r in sections["posts"]["rows"] if r["url"] == some)
    assert row["backdating"] == BACKDATED
