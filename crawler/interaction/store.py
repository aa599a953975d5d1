"""Write letter columns, their walks and their letters: the one path those rows go through.

A letter is stored once per column and URL; seen again, its state (status, reply) is updated
to the latest and ``last_seen_at`` moves, while ``first_seen_at`` keeps the first sighting.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.departments import DepartmentNames
from crawler.interaction.items import LetterItem, LetterWalkItem
from crawler.interaction.settings import LetterColumnSettings
from crawler.profiles import ProfileError
from db.attribution import find_department
from db.models import Letter, LetterColumn, LetterWalk


def sync_letter_columns(
    session: Session, site_id: int, columns: tuple[LetterColumnSettings, ...]
) -> dict[str, LetterColumn]:
    """Create or update the site's letter columns from the profile; return them by key.

    A column's department may be written as the site shows it (short name, full name, alias);
    one that names no unit of the registry is a :class:`ProfileError`.
    """
    names = DepartmentNames.from_session(session)
    existing = {
        c.key: c
        for c in session.scalars(select(LetterColumn).where(LetterColumn.site_id == site_id))
    }
    for column in columns:
        entry = column.entry
        row = existing.get(entry.key) or LetterColumn(site_id=site_id, key=entry.key)
        row.name, row.url = entry.name, column.declared_url
        row.layout, row.channel = entry.layout.value, entry.channel.value
        row.lists_unanswered = entry.lists_unanswered
        row.department_id = None
        if entry.department:
            short = names.short_name(entry.department)
            if short is None:
                raise ProfileError(
                    f"letters column {entry.key}: no department named {entry.department!r} "
                    "in the registry (scoring departments import)"
                )
            row.department_id = find_department(session, short).id
        session.add(row)
        existing[entry.key] = row
    session.flush()
    return existing


def store_letter(
    session: Session,
    column: LetterColumn,
    item: LetterItem,
    page_id: int | None,
    list_page_id: int | None,
) -> bool:
    """Store or update one letter; True if it was new. The item must have a date and status."""
    fields = item.fields
    assert fields.submitted_on is not None and fields.status is not None
    letter = session.scalar(
        select(Letter).where(Letter.column_id == column.id, Letter.url == item.url[:1024])
    )
    new = letter is None
    if letter is None:
        letter = Letter(site_id=column.site_id, column_id=column.id, url=item.url[:1024])
        letter.first_seen_at = item.seen_at
    letter.title = (fields.title or "")[:512]
    letter.submitted_on = fields.submitted_on
    letter.status = fields.status.value
    letter.status_text = fields.status_text[:32] if fields.status_text else None
    letter.replied_on = fields.replied_on
    letter.reply_unit = fields.reply_unit[:256] if fields.reply_unit else None
    letter.department_id = column.department_id
    letter.page_id = page_id if page_id is not None else letter.page_id
    letter.list_page_id = list_page_id if list_page_id is not None else letter.list_page_id
    letter.last_seen_at = item.seen_at
    session.add(letter)
    session.flush()
    return new


def store_walk(
    session: Session,
    column: LetterColumn,
    item: LetterWalkItem,
    list_page_id: int | None,
    form_page_id: int | None,
) -> LetterWalk:
    walk = LetterWalk(
        column_id=column.id,
        walked_at=item.walked_at,
        complete=item.complete,
        list_pages=item.list_pages,
        letters_listed=item.letters_listed,
        problem=item.problem,
        list_page_id=list_page_id,
        form_state=item.form_state.value,
        form_url=item.form_url[:1024] if item.form_url else None,
        form_http_status=item.form_http_status,
        form_page_id=form_page_id,
    )
    session.add(walk)
    session.flush()
    return walk
