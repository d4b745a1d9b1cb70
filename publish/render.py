"""Jinja2 rendering: a plain-text environment for posts, an autoescaping one for HTML email.

Templates live in the repository's top-level `templates/`, shipped as the `ddor_templates`
package so a plain `pip install .` finds them. A post template renders blocks separated by
a line `~~~`: the head post, then sections (a title line and item lines) that the packer
turns into thread continuations within the network's limit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from functools import lru_cache, partial
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ddor_watch.db.errors import PublishError
from ddor_watch.publish import i18n
from ddor_watch.publish.agreement_context import AgreementContext
from ddor_watch.publish.common import MORE, Block, day_text, fits, pack_thread, short_url
from ddor_watch.publish.context import ReportContext, period_text
from ddor_watch.publish.list_context import ListContext

Context = ReportContext | ListContext | AgreementContext



def template_dir() -> Path:
    return Path(str(files("ddor_watch.templates")))


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def _place(name: str, state: str | None) -> str:
    return f"{name}, {state}" if state else name


def _count(value: int | None, noun: str, plural: str | None = None) -> str:
    """ "1 declined detainer", "206 declined detainers", "? declined detainers", "2 entries"."""
    return f"{_number(value)} {noun if value == 1 else plural or noun + 's'}"


_UNINFORMATIVE_TYPES = {"", "policy", "none", "?"}


def _policy_kind(value: str | None) -> str:
    """ " (Ordinance)" after a place; nothing for a type that tells the reader nothing ("Policy")."""
    if value is None or value.strip().lower() in _UNINFORMATIVE_TYPES:
        return ""
    return f" ({value})"


def _signed(value: int | None) -> str:
    """A rank move for a post: "up 2" / "down 1"."""
    return "" if not value else (f"up {value}" if value > 0 else f"down {-value}")


def _day(value: dt.date | dt.datetime | None) -> str:
    """ "May 16, 2025"; a moment is given by its UTC day."""
    if value is None:
        return "?"
    return day_text(value)


@lru_cache(maxsize=2 * len(i18n.LANGUAGES))
def environment(html: bool, language: str = i18n.ENGLISH) -> Environment:
    env = Environment(loader=FileSystemLoader(template_dir()), undefined=StrictUndefined,
                      autoescape=html, keep_trailing_newline=not html, trim_blocks=True, lstrip_blocks=True,
                      extensions=["jinja2.ext.i18n"])
    catalog = i18n.translations(language)
    env.install_gettext_translations(catalog, newstyle=True)  # type: ignore[attr-defined]
    english = language == i18n.ENGLISH
    number = _number if english else partial(i18n.number, language=language)
    day = _day if english else partial(i18n.day, language=language)

    def counted(value: int | None, singular: str, plural: str) -> str:
        """ "3 declined detainers" / "3 detainers rechazados": the count in the locale's digits,
        the noun in the catalog's plural form for it."""
        return f"{number(value)} {catalog.ngettext(singular, plural, value if value is not None else 2)}"

    def period_words(start: dt.date | None, end: dt.date | None, printed: str) -> str:
        """A period in this language: English keeps the wording the context already holds."""
        if english or start is None or end is None:
            return printed
        return i18n.period(start, end, language)

    def period_of(context: Any) -> str:
        return period_words(context.period_start, context.period_end, str(context.period))

    def previous_period_of(context: Any) -> str:
        return period_words(context.previous_period_start, context.previous_period_end, str(context.previous_period))

    def say(words: i18n.Phrase | str) -> str:
        """A phrase composed by code, in this language (a plain string is shown as it is)."""
        if isinstance(words, str):
            return words
        values = {key: _shown(value) for key, value in words.values}
        text = catalog.gettext(words.text)
        return text % values if values else text

    def _shown(value: object) -> str:
        if isinstance(value, tuple):
            start, end = value
            return period_words(start, end, period_text(start, end))
        if isinstance(value, dt.date):
            return day(value)
        if isinstance(value, int):
            return number(value)
        return str(value)

    def unsubscribe_link(context: Any) -> str:
        """The digest's unsubscribe link (a placeholder filled per subscriber when sent), asking
        for the page in the digest's language."""
        return str(context.unsubscribe_url) + ("" if english else f"&lang={language}")

    env.filters.update(number=number, count=_count, signed=_signed, policy_kind=_policy_kind, abs=abs,
                       short_url=short_url, day=day, capitalize_first=lambda text: text[:1].upper() + text[1:])
    env.globals.update(place=_place, counted=counted, period_of=period_of, previous_period_of=previous_period_of,
                       language=language, say=say, languages=i18n.LANGUAGES, native_name=i18n.native_name,
                       state_name=partial(i18n.state_name, language=language), unsubscribe_link=unsubscribe_link)
    return env


def render(name: str, context: Any, html: bool = False, language: str = i18n.ENGLISH) -> str:
    return environment(html, language).get_template(name).render(c=context)


_BLOCK = re.compile(r"^~~~( prose)?[ \t]*$", re.MULTILINE)


def split_blocks(text: str) -> tuple[str, list[Block]]:
    """A rendered post template: the head, then follow-up blocks (see _follow_ups.txt.j2)."""
    pieces = _BLOCK.split(text)
    head, blocks = pieces[0].strip(), []
    for marker, body in zip(pieces[1::2], pieces[2::2], strict=True):
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        if not lines:
            continue
        if marker:
            blocks.append(Block(" ".join(lines), prose=True))
        else:
            blocks.append(Block(lines[0], tuple(lines[1:])))
    return head, blocks


def render_post(channel: str, kind: str, context: Context, language: str = i18n.ENGLISH) -> list[str]:
    """The thread for one channel: a head post that fits (short form if need be), then follow-ups."""
    more_url = context.more_url or context.source_url
    more_url = short_url(more_url) if channel == "bluesky" else more_url
    more = i18n.translations(language).gettext(MORE)
    # The full head, the same facts worded tighter (a long source address), then the short form.
    for attempt in (context, replace(context, compact=True), replace(context, compact=True, short=True)):
        head, blocks = split_blocks(render(f"{channel}/{kind}.txt.j2", attempt, language=language))
        if fits(channel, head):
            return pack_thread(head, blocks, channel, more_url, more)
    raise PublishError(channel, f"{kind} headline does not fit the {channel} limit even in its short form")


def render_digest(kind: str, context: Context, with_map: bool,
                  language: str = i18n.ENGLISH) -> tuple[str, str, str]:
    """(subject, text, html) of an email digest; both bodies complete on their own."""
    name = _digest_template(kind)
    html_context = replace(context, map_cid="map@ddor-watch" if with_map else None)
    return (render_subject(kind, context, language), render(f"email/{name}.txt.j2", context, language=language),
            render(f"email/{name}.html.j2", html_context, html=True, language=language))


def render_subject(kind: str, context: Context, language: str = i18n.ENGLISH) -> str:
    """A digest's subject on one line (also the title of a channel's message that takes one)."""
    return " ".join(render(f"email/{_digest_template(kind)}.subject.j2", context, language=language).split())


def _digest_template(kind: str) -> str:
    return {"report": "digest"}.get(kind, kind)
