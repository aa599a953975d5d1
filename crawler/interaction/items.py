"""Items of the ``letters`` spider; :mod:`crawler.interaction.pipelines` stores them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scrapy.http import Response

from crawler.interaction.pages import LetterFields
from db.models.letters import FormState


@dataclass
class LetterItem:
    """One letter with what its list row and detail page said; the pages are kept as evidence."""

    column: str  # the letter column's key
    url: str
    fields: LetterFields
    seen_at: dt.datetime
    list_response: Response | None = None
    detail_response: Response | None = None


@dataclass
class LetterWalkItem:
    """One letter column read: whole or not, and what its form page showed."""

    column: str
    walked_at: dt.datetime
    complete: bool
    list_pages: int
    letters_listed: int
    problem: str | None
    form_state: FormState
    form_url: str | None = None
    form_http_status: int | None = None
    list_response: Response | None = None
    form_response: Response | None = None
