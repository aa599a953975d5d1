"""The console's language: gettext catalogs (Babel) for zh_CN, the default, and English.

Message ids are English; ``locale/zh_CN/LC_MESSAGES/console.po`` holds the Chinese that office
staff read. ``make setup`` compiles the catalogs to ``.mo`` (``pybabel compile``); a catalog not
compiled yet is compiled in memory from its ``.po``, so a fresh checkout still speaks Chinese.

The language of a request: the user's own choice, else the browser's ``Accept-Language``, else
Chinese. It is set once per request (:func:`use`) and read by every ``_()`` in templates and code.
"""

from __future__ import annotations

import gettext as gettext_module
from contextvars import ContextVar
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
DOMAIN = "console"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}

_current: ContextVar[str] = ContextVar("console_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    """The catalog of ``locale``; English is the message ids themselves."""
    if locale == "en":
        return gettext_module.NullTranslations()
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def negotiate(accept_language: str, chosen: str | None = None) -> str:
    """The user's choice if it is a catalog, else the first language of the browser we have."""
    if chosen in LOCALES:
        return chosen  # type: ignore[return-value]
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for _q, _p, tag in sorted(ranked):
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LOCALE


def use(locale: str) -> None:
    """Speak ``locale`` for the rest of this request."""
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


_ = gettext
