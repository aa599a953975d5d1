"""National inspection findings (国办检查指标) as review candidates, from ``scoring.inspection``.

Each site with inspection evidence (a home-page probe or a link-check run stored by the end of
the cut-off day, Asia/Shanghai) is inspected once per listing with
:func:`scoring.inspection.site.inspect_site`, exactly as ``scoring inspection --site KEY
--date DAY`` does; every indicator whose status is ``warning``, ``veto`` or ``deduction`` is one
candidate. ``ok`` and ``not provable`` indicators are never findings. Nothing here judges an
indicator: the figures and the status are the inspection's own.

The subject key is ``site-key:indicator-key:YYYY-MM``, the month of the cut-off day: one review
item per indicator, site and month. A finding confirmed (or dismissed, or fixed) this month
keeps that state for the rest of the month, whatever the daily figures do; next month the same
indicator, if still failing, is a new open item, and last month's item stays listed under its
last state.

Findings are site-level (``department_id`` ``None``): the queue is closed to liaisons.
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import LinkCheck, LinkCheckRun, ProbeResult, Site
from scoring.assessment.periods import SHANGHAI, shanghai_midnight
from scoring.console.findings import Candidate
from scoring.console.i18n import N_, _
from scoring.inspection.columns import InspectionError
from scoring.inspection.interaction import SLOW_KEY, UNANSWERED_KEY, EvidencePage, InteractionReport
from scoring.inspection.interaction import evidence as letter_evidence
from scoring.inspection.links import NOT_CHECKED
from scoring.inspection.reachability import FAILED, HOME, SLOW
from scoring.inspection.site import Inspection, inspect_site
from scoring.inspection.verdict import NOT_PROVABLE, OK, WARNING, Indicator, local_time
from scoring.rules import Rules
from scoring.rules.national_model import DEDUCTION, VETO, NationalRules

KIND = "inspection_finding"
INSPECTION_FAILED = "inspection"  # the indicator part of the key when a site cannot be inspected
PAGES_LINKED = 10
KEY = re.compile(r"(?P<site>.+):(?P<indicator>[a-z_]+):(?P<month>\d{4}-\d{2})")

# an indicator's status as a reviewer reads it (预警, 单项否决, 扣分), never the key
STATUS_NAMES = {
    OK: N_("ok"),
    WARNING: N_("warning"),
    VETO: N_("veto"),
    DEDUCTION: N_("deduction"),
    NOT_PROVABLE: N_("not provable"),
}


_national: ContextVar[NationalRules | None] = ContextVar("console_national_rules", default=None)


def use_national_rules(rules: NationalRules) -> None:
    """The national rules of the settings the console was created with, for this request."""
    _national.set(rules)


def national_rules() -> NationalRules:
    """The national rules in force for this request (set by the console from its settings)."""
    rules = _national.get()
    if rules is None:
        raise LookupError("the console sets the national rules in force before reading them")
    return rules


def inspection_day(cutoff: dt.datetime) -> dt.date:
    """The day inspected: the cut-off's day in Asia/Shanghai."""
    return cutoff.astimezone(SHANGHAI).date()


def subject_key(site_key: str, indicator_key: str, day: dt.date) -> str:
    return f"{site_key}:{indicator_key}:{day:%Y-%m}"


def is_finding(indicator: Indicator) -> bool:
    """Warning, or the indicator's veto or deduction; never ok nor not provable."""
    return indicator.status in (WARNING, indicator.kind)


def inspected_sites(session: Session, cutoff: dt.datetime) -> list[Site]:
    """Sites with a probe or a link-check run stored by the end of the cut-off day."""
    end = shanghai_midnight(inspection_day(cutoff) + dt.timedelta(days=1))
    probed = select(ProbeResult.site_id).where(ProbeResult.probed_at < end)
    checked = select(LinkCheckRun.site_id).where(LinkCheckRun.started_at < end)
    query = select(Site).where(or_(Site.id.in_(probed), Site.id.in_(checked)))
    return list(session.scalars(query.order_by(Site.key)))


def _title(indicator_name: str, site: Site) -> str:
    return f"{indicator_name} — {site.name} ({site.key})"


def _detail(indicator: Indicator) -> str:
    status = _(STATUS_NAMES.get(indicator.status, indicator.status))
    if indicator.points is not None:
        status += _(", %(points).2f points") % {"points": indicator.points}
    return (
        _("%(value)s (threshold %(threshold)s, warning level %(warn_at)s): %(status)s.")
        % {
            "value": indicator.value,
            "threshold": indicator.threshold,
            "warn_at": indicator.warn_at,
            "status": status,
        }
        + f" {indicator.evidence}"
    )


def _candidate(session: Session, inspection: Inspection, indicator: Indicator) -> Candidate:
    pages = evidence_pages(session, inspection, indicator)
    return Candidate(
        KIND,
        subject_key(inspection.site.key, indicator.key, inspection.day.day),
        None,
        _title(indicator.name, inspection.site),
        _detail(indicator),
        pages[0][1] if pages else None,
        inspection.site.base_url,
        pages,
    )


def _failed(site: Site, day: dt.date, error: InspectionError) -> Candidate:
    """A site the inspection refuses (its profile and the rules disagree): say so, never skip."""
    return Candidate(
        KIND,
        subject_key(site.key, INSPECTION_FAILED, day),
        None,
        _title(_("inspection cannot run"), site),
        str(error),
        url=site.base_url,
    )


def _site_candidates(
    session: Session, rules: NationalRules, site: Site, day: dt.date
) -> list[Candidate]:
    try:
        inspection = inspect_site(session, rules, site.key, day)
    except InspectionError as error:
        return [_failed(site, day, error)]
    return [_candidate(session, inspection, i) for i in inspection.indicators if is_finding(i)]


def inspection_list(
    session: Session, rules: Rules, year: int, cutoff: dt.datetime
) -> list[Candidate]:
    """Every site's findings as of the cut-off day (whatever ``year`` the page shows)."""
    national, day = national_rules(), inspection_day(cutoff)
    return [
        candidate
        for site in inspected_sites(session, cutoff)
        for candidate in _site_candidates(session, national, site, day)
    ]


def inspection_lookup(
    session: Session, rules: Rules, key: str, cutoff: dt.datetime
) -> Candidate | None:
    """One finding of this month; an earlier month's key is no longer in the evidence."""
    match = KEY.fullmatch(key)
    day = inspection_day(cutoff)
    if match is None or match["month"] != f"{day:%Y-%m}":
        return None
    site = next((s for s in inspected_sites(session, cutoff) if s.key == match["site"]), None)
    if site is None:
        return None
    found = _site_candidates(session, national_rules(), site, day)
    return next((c for c in found if c.subject_key == key), None)


# --- evidence pages ----------------------------------------------------------------------------


def evidence_pages(
    session: Session, inspection: Inspection, indicator: Indicator
) -> tuple[tuple[str, int], ...]:
    """The stored pages behind a finding, as (label, page id): probes served, pages linking."""
    if indicator.key == "site_unreachable":
        bad = [p for p in inspection.probes if p.target == HOME and p.verdict in (FAILED, SLOW)]
        pages = _probe_pages(session, inspection.site.id, [p.probed_at for p in bad])
    elif indicator.key == "home_not_updated":
        answered = [
            p
            for p in inspection.probes
            if p.target == HOME and p.http_status is not None and p.http_status < 400
        ]
        latest = [answered[-1].probed_at] if answered else []
        pages = _probe_pages(session, inspection.site.id, latest)
    elif indicator.key in ("broken_links_home", "broken_links_other"):
        pages = _link_pages(session, inspection, on_home=indicator.key == "broken_links_home")
    elif indicator.key in (UNANSWERED_KEY, SLOW_KEY):
        pages = _letter_pages(session, inspection.interaction, indicator.key)
    else:
        pages = []
    return tuple(pages[:PAGES_LINKED])


def _probe_pages(
    session: Session, site_id: int, moments: list[dt.datetime]
) -> list[tuple[str, int]]:
    if not moments:
        return []
    rows = session.execute(
        select(ProbeResult.probed_at, ProbeResult.page_id)
        .where(ProbeResult.site_id == site_id, ProbeResult.target == HOME)
        .where(ProbeResult.probed_at.in_(moments[-PAGES_LINKED:]))
        .where(ProbeResult.page_id.is_not(None))
        .order_by(ProbeResult.probed_at.desc())
    ).all()
    return [(_("probe %(at)s") % {"at": local_time(at)}, page_id) for at, page_id in rows]


def _link_pages(
    session: Session, inspection: Inspection, *, on_home: bool
) -> list[tuple[str, int]]:
    """The pages the failing links were found on, in the run the inspection judged."""
    run = inspection.links.run
    urls = [
        f.url for f in inspection.links.findings if f.on_home == on_home and f.status != NOT_CHECKED
    ]
    if run is None or not urls:
        return []
    rows = session.execute(
        select(LinkCheck.found_on, LinkCheck.found_on_page_id)
        .where(LinkCheck.run_id == run.id, LinkCheck.url.in_(urls[:500]))
        .where(LinkCheck.found_on_page_id.is_not(None))
        .distinct()
        .order_by(LinkCheck.found_on)
    ).all()
    return [
        (_("links found on %(url)s") % {"url": found_on}, page_id) for found_on, page_id in rows
    ]


def _letter_pages(session: Session, report: InteractionReport, key: str) -> list[tuple[str, int]]:
    """The letters' pages and the form pages behind an interaction finding, named for reading."""
    names = {c.key: c.name for c in report.columns}
    return [
        (_letter_label(page, names), page.page_id) for page in letter_evidence(session, report, key)
    ]


def _letter_label(page: EvidencePage, names: dict[str, str]) -> str:
    if page.letter is None:
        column = page.form_column or ""
        return _("form page of %(column)s") % {"column": names.get(column, column)}
    letter = page.letter
    return _("letter 《%(title)s》 (%(column)s, written %(day)s)") % {
        "title": letter.title,
        "column": names.get(letter.column, letter.column),
        "day": letter.submitted_on.isoformat(),
    }
