"""Try a profile before the first crawl: the first list page of every column, and what is wrong.

For each column the first list page is fetched and read by the crawler's own parsers; the
check reports the items found, how many show a date, which departments they belong to, and
what looks wrong: an empty list, items without a date, a jpage proxy that answers 404 or
nothing, a JPaaS page 2 that comes back as page 1, an xxgk search that returns other units'
documents under a department's column. The first item's detail page is read too: for a
disclosure column, whether its 发布机构 resolves and where its signing date was found (table,
body or none); for a portal column, its title and date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from crawler.departments import DepartmentNames
from crawler.detail import parse_detail
from crawler.disclosure import xxgk
from crawler.disclosure.metadata import parse_metadata
from crawler.listing import ListEntry, generic, jpaas, jpage, trs
from crawler.onboarding.fetch import FetchError, Page, fetch
from crawler.profiles import ColumnProfile, SiteProfile
from db.models import SiteKind

Fetcher = Callable[..., Page]


@dataclass
class ColumnCheck:
    key: str
    list_kind: str
    items: int = 0
    dated: int = 0
    departments: str = "-"
    detail: str = "-"
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.key,
            "list_kind": self.list_kind,
            "items": self.items,
            "dated": self.dated,
            "departments": self.departments,
            "detail": self.detail,
            "problems": self.problems,
        }


class _Checker:
    def __init__(
        self, profile: SiteProfile, names: DepartmentNames | None, fetcher: Fetcher, timeout: float
    ) -> None:
        self.profile, self.names, self.fetcher, self.timeout = profile, names, fetcher, timeout

    def get(self, url: str, **kwargs: Any) -> Page:
        return self.fetcher(url, timeout=self.timeout, **kwargs)

    def first_page(self, column: ColumnProfile, result: ColumnCheck) -> list[ListEntry]:
        """Fetch and read the column's first list page (and the next, where paging can fail)."""
        options = column.options
        if column.list_kind == "xxgk":
            page = self.get(
                column.url, form=xxgk.form_for(options, 1), headers=xxgk.headers_for(options)
            )
            entries = xxgk.parse_list(page.text, page.url, options)
        else:
            page = self.get(column.url)
            entries = []
        if not page.ok:
            result.problems.append(f"the list answered HTTP {page.status}")
            return []
        if column.list_kind == "trs":
            entries = trs.parse_list(page.text, page.url, options)
        elif column.list_kind == "generic":
            entries = generic.parse_list(page.text, page.url, options)
        elif column.list_kind == "jpage":
            entries = self.jpage(page, column, result)
        elif column.list_kind == "jpaas":
            entries = self.jpaas(page, column, result)
        return entries

    def jpage(self, page: Page, column: ColumnProfile, result: ColumnCheck) -> list[ListEntry]:
        listing = jpage.parse_column_page(page.text, page.url)
        if listing.total_records is None or listing.total_records <= len(listing.entries):
            return listing.entries
        perpage = jpage.per_page(column.options, listing)
        start = len(listing.entries) + 1
        if column.options.get("paging") == "page":
            url = jpage.page_url(listing.proxy_url or "", start // perpage + 1, perpage)
        else:
            url = jpage.records_url(listing.proxy_url or "", start, column.options, perpage)
        reply = self.get(url, form=listing.form)
        if not reply.ok:
            where = "read from the page" if listing.proxy_from_page else "guessed"
            result.problems.append(f"the dataproxy ({where}) answered HTTP {reply.status}")
        elif not jpage.parse_proxy_reply(reply.text, reply.url).entries:
            result.problems.append("the dataproxy answered no records after the first group")
        return listing.entries

    def jpaas(self, page: Page, column: ColumnProfile, result: ColumnCheck) -> list[ListEntry]:
        listing = jpaas.parse_column_page(page.text, page.url)
        if listing.api_url is None:
            result.problems.append("no JPaaS pager (queryData) on the column page")
            return listing.entries
        rows = jpaas.rows_of(column.options, listing)
        if listing.count is not None and listing.count > rows:
            url = jpaas.page_url(listing.api_url, listing.query, 2, rows, column.options)
            try:
                second = jpaas.parse_unit_reply(self.get(url).text, url)
            except jpaas.JpaasReplyError as error:
                result.problems.append(f"page 2: {error}")
            else:
                if [e.url for e in second.entries] == [e.url for e in listing.entries]:
                    result.problems.append(
                        "page 2 came back as page 1: set options.paging = 'param_json'"
                    )
        return listing.entries

    def departments(self, column: ColumnProfile, entries: list[ListEntry]) -> str:
        if self.profile.kind != SiteKind.DISCLOSURE:
            return "-"
        linked = [self.profile.catalogue.get(xxgk.link_column(e.url) or "") for e in entries]
        units = {u for u in linked if u}
        own = column.department or "by 发布机构"
        if not entries:
            return own
        return f"{own}; links: {sum(bool(u) for u in linked)}/{len(entries)} in catalogue" + (
            f" ({len(units)} unit{'s' if len(units) > 1 else ''})" if units else ""
        )

    def detail(self, column: ColumnProfile, entry: ListEntry, result: ColumnCheck) -> str:
        page = self.get(entry.url)
        if not page.ok:
            result.problems.append(f"first detail page answered HTTP {page.status}")
            return "-"
        if self.profile.kind == SiteKind.PORTAL:
            fields = parse_detail(page.text, self.profile.detail_selectors)
            if fields.published_at is None and entry.listed_on is None:
                result.problems.append("first detail page shows no date")
            return f"date from {fields.method}, source {fields.source_text or 'none'}"
        meta = parse_metadata(page.text)
        if not meta.has_table:
            result.problems.append("first detail page has no metadata table (索引号/文号/日期)")
        issuer = meta.issuer
        resolved = self.names.short_name(issuer) if self.names and issuer else None
        if issuer and resolved is None:
            result.problems.append(f"发布机构 {issuer!r} matches no department")
        who = f"发布机构 {issuer} -> {resolved}" if issuer else "no 发布机构"
        return f"{who}; signed {meta.signed_on or '?'} from {meta.signed_source}"

    def column(self, column: ColumnProfile, details: bool) -> ColumnCheck:
        result = ColumnCheck(column.key, column.list_kind)
        try:
            entries = self.first_page(column, result)
            result.items = len(entries)
            result.dated = sum(e.listed_on is not None for e in entries)
            result.departments = self.departments(column, entries)
            if not entries and not result.problems:
                result.problems.append("no items on the first list page")
            elif result.dated < result.items:
                result.problems.append(f"{result.items - result.dated} items without a date")
            others = self.other_units(column, entries)
            if others:
                result.problems.append(
                    f"column of {column.department} lists documents of {', '.join(others)}"
                )
            if entries and details:
                result.detail = self.detail(column, entries[0], result)
        except FetchError as error:
            result.problems.append(str(error))
        return result

    def other_units(self, column: ColumnProfile, entries: list[ListEntry]) -> list[str]:
        if not column.department:
            return []
        linked = {self.profile.catalogue.get(xxgk.link_column(e.url) or "") for e in entries}
        return sorted(u for u in linked if u and u != column.department)


def check_profile(
    profile: SiteProfile,
    names: DepartmentNames | None = None,
    *,
    fetcher: Fetcher = fetch,
    timeout: float = 15.0,
    details: bool = True,
) -> list[ColumnCheck]:
    """Check every column of ``profile`` (see the module docstring)."""
    checker = _Checker(profile, names, fetcher, timeout)
    return [checker.column(column, details) for column in profile.columns]
