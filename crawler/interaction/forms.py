"""Whether a consultation column offers a way to write a letter, judged by looking only.

A form page is read with GET and never submitted (a real site's mailbox is not ours to write
to). It offers a form when a ``<form>`` there has a field to write in (a textarea or a text
input); a page without one, or a page answering an error, is "未提供有效互动功能" as far as a
crawler can see. What only submitting would show (a form that errors on sending) is not judged.
"""

from __future__ import annotations

from crawler.interaction.pages import html_page
from db.models.letters import FormState

_FIELDS = ".//textarea | .//input[not(@type) or @type='text' or @type='tel' or @type='email']"


def form_state(status: int | None, text: str | None) -> FormState:
    """The state of a form page that answered ``status`` with ``text`` (None: no answer)."""
    if status is None or status >= 400 or text is None:
        return FormState.FORM_ERROR
    page = html_page(text)
    for form in page.xpath("//form"):
        if form.xpath(_FIELDS):
            return FormState.FORM
    return FormState.NO_FORM
