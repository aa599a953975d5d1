"""``scoring inspection scan-wording`` and ``scoring inspection findings``: the 严重错误 check."""

from __future__ import annotations

from pathlib import Path

import click

from db.datafiles import DataFileError
from db.models import WordingReview
from scoring.cli.app import open_session, user_errors
from scoring.cli.inspection_commands import inspection, wording_lexicon
from scoring.cli.output import emit, output_options
from scoring.inspection.wording_review import ReviewError

REVIEW_CHOICE = click.Choice([state.value for state in WordingReview])
FINDING_FIELDS = ("finding", "review", "site", "found", "right", "rule", "sentence", "page")


@inspection.command("scan-wording")
@click.option("--all", "everything", is_flag=True, help="Rescan every stored page, not new ones.")
@click.option("--site", "site_key", help="Only this site's pages.")
@user_errors(DataFileError, LookupError)
def scan_wording(everything: bool, site_key: str | None) -> None:
    """Scan stored posts, documents and column pages for the wording lexicon's wrong forms.

    The lexicon is db/data/wording.toml (or EGOV_WORDING_FILE): wrong → right forms of state
    bodies' names and the operator's terms. Each hit becomes a finding pending review (待复核),
    listed by `scoring inspection findings`; only a confirmed hit counts toward 严重错误. By
    default only pages not scanned yet (each crawl's new pages); --all rescans the archive
    after the lexicon changed (reviews are kept).

    Example:

        scoring inspection scan-wording --all
    """
    from scoring.inspection.wording_match import Matcher
    from scoring.inspection.wording_scan import scan

    matcher = Matcher(wording_lexicon())
    with open_session() as session:
        done = scan(session, matcher, everything=everything, site_key=site_key)
    click.echo(
        f"scanned {done.pages} pages in {done.seconds:.1f} s: {done.hits} hits, "
        f"{done.new_findings} new findings pending review (待复核)"
    )


@inspection.group("findings", invoke_without_command=True)
@click.option("--site", "site_key", help="Only this site's hits.")
@click.option("--review", "state", type=REVIEW_CHOICE, help="Only hits in this review state.")
@output_options
@click.pass_context
def findings(
    ctx: click.Context, site_key: str | None, state: str | None, fmt: str, output: Path | None
) -> None:
    """List the wording hits (严重错误 candidates) with their review: 待复核, 已确认, 已排除.

    Subcommands confirm and dismiss record a reviewer's decision.

    Example:

        scoring inspection findings --review pending
    """
    if ctx.invoked_subcommand is not None:
        return
    from scoring.inspection.wording_review import listed

    with open_session() as session:
        rows = [
            {
                "finding": f.id,
                "review": f"{WordingReview(f.review).label} {f.review}",
                "site": key,
                "found": f.found,
                "right": f.right,
                "rule": f.rule_key,
                "sentence": f.sentence,
                "page": url,
            }
            for f, key, url in listed(session, site_key, WordingReview(state) if state else None)
        ]
    emit(rows, FINDING_FIELDS, fmt, output)


def _decide(decision: WordingReview, ids: tuple[int, ...], reviewer: str, note: str | None) -> None:
    from scoring.inspection.wording_review import review

    with open_session() as session:
        done = review(session, list(ids), decision, reviewer, note)
        session.commit()
    click.echo(f"{len(done)} hits {decision.label} ({decision.value}) by {reviewer}")


@findings.command("confirm")
@click.argument("finding_ids", nargs=-1, required=True, type=int)
@click.option("--by", "reviewer", required=True, help="Who reviewed.")
@click.option("--note", help="Why, for the record.")
@user_errors(ReviewError)
def confirm(finding_ids: tuple[int, ...], reviewer: str, note: str | None) -> None:
    """Confirm wording hits: they count toward the 严重错误 veto.

    Example:

        scoring inspection findings confirm 12 15 --by 张三
    """
    _decide(WordingReview.CONFIRMED, finding_ids, reviewer, note)


@findings.command("dismiss")
@click.argument("finding_ids", nargs=-1, required=True, type=int)
@click.option("--by", "reviewer", required=True, help="Who reviewed.")
@click.option("--note", help="Why not an error (a quotation, a proper name…).")
@user_errors(ReviewError)
def dismiss(finding_ids: tuple[int, ...], reviewer: str, note: str | None) -> None:
    """Dismiss wording hits: listed, never counted.

    Example:

        scoring inspection findings dismiss 13 --by 张三 --note "引用原文"
    """
    _decide(WordingReview.DISMISSED, finding_ids, reviewer, note)
