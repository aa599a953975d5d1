"""The ``[letters]`` table of a site profile: the consultation columns the ``letters`` spider reads.

::

    [[letters.column]]
    key = "szxx"
    name = "市长信箱"
    channel = "leader_mailbox"     # leader_mailbox (书记/市长信箱) | department_mailbox | complaint
    layout = "hanweb"              # hanweb (labelled list and detail tables) | generic
    url = "/hdjl/szxx/list.html"   # the letter list, relative to base_url
    form = "/hdjl/szxx/write.html" # optional: the page to write a letter on (read, never sent)
    lists_unanswered = true        # false: the site publishes answered letters only
    department = "市政府办公室"    # optional: the department answering (its short name, 简称)
    max_pages = 50                 # list pages read at most
    [letters.column.options]       # generic: item (required), link, title, date, status, next;
                                   # hanweb: next (default: the 下一页 link)

Only consultation columns (政务咨询类栏目) belong here: 在线访谈 and 调查征集 are interactive
columns but not consultations, and stay ordinary ``[[column]]`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pydantic import Field, model_validator

from crawler.profiles import ProfileError, SiteProfile
from db.datafiles import DataFileError, FileModel, validate
from db.models.letters import LetterChannel, LetterLayout

GENERIC_OPTIONS = ("item", "link", "title", "date", "status", "next")


class LetterColumnEntry(FileModel):
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=128)
    channel: LetterChannel
    layout: LetterLayout = LetterLayout.HANWEB
    url: str = Field(min_length=1)
    form: str | None = Field(default=None, min_length=1)
    lists_unanswered: bool = True
    department: str | None = Field(default=None, min_length=1)
    max_pages: int = Field(default=50, ge=1)
    options: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _options_fit_layout(self) -> LetterColumnEntry:
        allowed = GENERIC_OPTIONS if self.layout == LetterLayout.GENERIC else ("next",)
        unknown = sorted(set(self.options) - set(allowed))
        if unknown:
            raise ValueError(f"unknown option {unknown[0]!r} for layout {self.layout}")
        if self.layout == LetterLayout.GENERIC and "item" not in self.options:
            raise ValueError("layout generic needs options.item (one letter of the list)")
        return self


class LettersTable(FileModel):
    column: list[LetterColumnEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_keys(self) -> LettersTable:
        keys = [c.key for c in self.column]
        if len(set(keys)) != len(keys):
            raise ValueError(f"letter column keys must be unique, got {keys}")
        return self


@dataclass(frozen=True)
class LetterColumnSettings:
    """One consultation column, its URLs absolute on the crawl base."""

    entry: LetterColumnEntry
    url: str
    declared_url: str
    form_url: str | None

    @property
    def key(self) -> str:
        return self.entry.key


def letter_columns(profile: SiteProfile) -> tuple[LetterColumnSettings, ...]:
    """Validate the profile's ``[letters]`` table; :class:`ProfileError` in one line."""
    raw: dict[str, Any] = profile.letters
    where = f"{profile.path or profile.key}: letters"
    try:
        table = validate(LettersTable, raw, where)
    except DataFileError as error:
        raise ProfileError(str(error)) from None
    return tuple(
        LetterColumnSettings(
            entry=c,
            url=urljoin(profile.base_url, c.url),
            declared_url=urljoin(profile.declared_base_url, c.url),
            form_url=urljoin(profile.base_url, c.form) if c.form else None,
        )
        for c in table.column
    )
