"""Languages: message catalogs and per-locale dates, numbers and plurals, the ecosystem's way.

Reader-facing words in templates go through Jinja2's i18n extension (`_()`, `ngettext()`, and
`counted()` for "3 declined detainers"); catalogs are `templates/locale/<lang>/LC_MESSAGES/
messages.po`, extracted with `pybabel` (`make messages`) and read here straight from the .po
(compiled in memory: no binary file in the repository). Dates and numbers come from Babel's
CLDR data ("3 de febrero de 2017", "3.083"). English is the source language and the default;
adding a language is a catalog, not code (LANGUAGES is English plus every catalog found).

Data from the documents (places, agencies, offence categories, policy text) is never
translated: it reaches templates as values, never as message ids.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date, format_interval
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from ddor_watch.db.states import STATE_NAMES

ENGLISH = "en"
_LOCALE = Path(str(files("ddor_watch.templates"))) / "locale"
# English, then every language with a catalog: adding a language is adding its catalog.
LANGUAGES = (ENGLISH, *sorted(p.parent.parent.name for p in _LOCALE.glob("*/LC_MESSAGES/messages.po")))


def folder(language: str) -> str:
    """Where a language's copy of the site or its feeds lives below the English one ("es/")."""
    return "" if language == ENGLISH else f"{language}/"


def suffix(language: str) -> str:
    """What a file drawn in a language carries before its extension ("….es.png")."""
    return "" if language == ENGLISH else f".{language}"


def catalog_path(language: str) -> Path:
    return _LOCALE / language / "LC_MESSAGES" / "messages.po"


def native_name(language: str) -> str:
    """The language named in itself, for a switch or a choice: "English", "Español"."""
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The language's catalog (English: the message ids themselves)."""
    if language == ENGLISH:
        return NullTranslations()
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def number(value: int | None, language: str) -> str:
    """ "3,083" / "3.083"; "?" when the document did not say."""
    return "?" if value is None else format_decimal(value, locale=language)


def day(value: dt.date | dt.datetime | None, language: str) -> str:
    """ "May 16, 2025" / "16 de mayo de 2025"; a moment is given by its UTC day."""
    if value is None:
        return "?"
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    return format_date(value, "long", locale=language)


def period(start: dt.date | None, end: dt.date | None, language: str) -> str:
    """A reporting period: "28 de enero – 3 de febrero de 2017"."""
    if start is None or end is None:
        return translations(language).gettext("an unknown period")
    return format_interval(start, end, "yMMMMd", locale=language)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for a marker)
    """Marks a message id in code for `pybabel extract`; translated where it is used."""
    return message


@dataclass(frozen=True)
class Phrase:
    """Words that code composes for a reader (a source's status, what an update changed): a
    catalog id and its values, put in the reader's language when shown (`say` in templates).
    Numbers, days and periods (a pair of days) are formatted per locale then."""

    text: str
    values: tuple[tuple[str, str | int | dt.date | tuple[dt.date, dt.date]], ...] = ()


def phrase(text: str, **values: str | int | dt.date | tuple[dt.date, dt.date]) -> Phrase:
    return Phrase(text, tuple(values.items()))


def state_name(code: str, language: str) -> str:
    """A state's or territory's name in `language` ("NY": "New York", "Nueva York"); an unknown
    code stays as it is."""
    name = STATE_NAMES.get(code)
    return translations(language).gettext(name) if name else code
