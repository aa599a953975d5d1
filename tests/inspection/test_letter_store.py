"""Letters stored once per column and URL: seen again, their state follows the site."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from crawler.interaction.items import LetterItem
from crawler.interaction.pages import LetterFields
from crawler.interaction.store import store_letter
from db.models import Letter, LetterColumn
from db.models.letters import LetterChannel, LetterLayout, LetterStatus
from tests.scoring.factories import site

NIGHT = dt.datetime(2026, 3, 1, 20, tzinfo=dt.UTC)


def _column(session) -> LetterColumn:
    row = LetterColumn(
        site_id=site(session).id,
        key="szxx",
        name="市长信箱",
        url="http://portal.example.test/szxx/",
        layout=LetterLayout.HANWEB.value,
        channel=LetterChannel.LEADER_MAILBOX.value,
    )
    session.add(row)
    session.flush()
    return row


def test_a_letter_answered_since_the_last_night_is_updated_not_stored_twice(session):
    column = _column(session)
    url = "http://portal.example.test/szxx/1.html"
    waiting = LetterFields("关于路灯的反映", dt.date(2026, 2, 2), "未回复")
    assert store_letter(session, column, LetterItem("szxx", url, waiting, NIGHT), None, None)
    answered = LetterFields("关于路灯的反映", dt.date(2026, 2, 2), "已回复", dt.date(2026, 3, 3))
    later = NIGHT + dt.timedelta(days=3)
    assert not store_letter(session, column, LetterItem("szxx", url, answered, later), None, None)
    session.commit()
    (letter,) = session.scalars(select(Letter)).all()
    assert (letter.status, letter.replied_on) == (LetterStatus.ANSWERED, dt.date(2026, 3, 3))
    assert (letter.first_seen_at, letter.last_seen_at) == (NIGHT, later)
    assert session.scalar(select(func.count()).select_from(Letter)) == 1
