"""Posts in Spanish (#25, first part): the report thread on X, Mastodon, Bluesky and Apprise
from a Babel catalog, dates and numbers per locale, each account's language its own setting.

The catalog test fails on any message id the templates or code use without a Spanish
translation, and on a catalog that `make messages` would change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_followers import SOCIAL, check_golden, demo_reports, thread_text  # noqa: F401 (a fixture)
from test_templates import context, names

from ddor_watch.db.models import MessageRow
from ddor_watch.publish import i18n
from ddor_watch.publish.common import LENGTH, LIMITS
from ddor_watch.publish.outbox import report_context
from ddor_watch.publish.render import render_post

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "counted": (2, 3)}
METHODS = [("publish/**.py", "python"), ("monitor/site_data.py", "python"), ("db/states.py", "python"),
           ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def _extracted() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS, options_map=OPTIONS):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_every_message_id_has_a_spanish_translation_and_the_template_is_current() -> None:
    extracted = _extracted()
    with i18n.catalog_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    translated = {m.id if isinstance(m.id, str) else tuple(m.id): m for m in catalog if m.id}
    missing = [mid for mid in extracted if mid not in translated]
    assert not missing, f"message ids without a Spanish entry (run make messages): {missing}"
    empty = [mid for mid, m in translated.items()
             if (not all(m.string) if isinstance(m.string, tuple | list) else not m.string) or m.fuzzy]
    assert not empty, f"untranslated or fuzzy: {empty}"
    with (ROOT / "templates" / "locale" / "messages.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    assert template == extracted, "templates/locale/messages.pot is stale: run make messages"


def test_dates_numbers_and_plurals_follow_the_locale() -> None:
    assert i18n.day(dt.date(2017, 2, 3), "es") == "3 de febrero de 2017"
    assert i18n.number(3083, "es") == "3.083" and i18n.number(3083, "en") == "3,083"
    period = i18n.period(dt.date(2017, 1, 28), dt.date(2017, 2, 3), "es")
    assert " ".join(period.split()) == "28 de enero – 3 de febrero de 2017"   # CLDR sets thin spaces
    ctx = context(["Travis County"])
    head = render_post("mastodon", "report", ctx, "es")[0]
    assert "detainers rechazados" in head and "jurisdicción" in head


ENGLISH_WORDING = ("Source:", "Full report", "Newly listed", " lists ", "tops its list", "and 1 more", "Section II (",
                   "in the report before", "Correction:", "revised", "removed", "added", "Both versions",
                   "Unsubscribe", "TOP TEN", "Page numbers", "WHAT CHANGED", " to ")


@pytest.mark.parametrize(("step", "kind"), [(1, "report"), (2, "report"), (3, "correction")])
def test_spanish_golden_posts_and_digests_of_the_demo(demo_reports, step: int, kind: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from ddor_watch.publish.render import render_digest

    db, ids = demo_reports
    *_, ctx = report_context(db, ids[step])
    for channel in SOCIAL:
        parts = render_post(channel, kind, ctx, "es")
        check_golden(f"week{step + 1}-{kind}-{channel}.es.txt", thread_text(parts))
        text = "\n".join(parts)
        # No English left in what the catalog words (data from the documents stays as printed).
        for english in ENGLISH_WORDING:
            assert english not in text.replace(ctx.caveat, ""), (channel, english)
    subject, text, html = render_digest(kind, ctx, True, "es")
    check_golden(f"week{step + 1}-{kind}-email.es.txt", f"Subject: {subject}\n\n{text}")
    assert '<html lang="es">' in html and '<span lang="en">' in html
    for english in ENGLISH_WORDING:
        assert english not in (subject + text + html).replace(ctx.caveat, ""), english


@settings(max_examples=40, deadline=None)
@given(names=names, newly=st.integers(0, 120), channel=st.sampled_from(SOCIAL))
def test_spanish_threads_fit_every_network(names, newly, channel) -> None:  # type: ignore[no-untyped-def]
    """Spanish runs longer than English: the same packer must still fit X's weighted 280,
    Mastodon's 500 and Bluesky's 300 graphemes, and count every name it cannot show."""
    ctx = context(names, newly=min(newly, len(names)), url="https://www.ice.gov/" + "x" * 200 + ".pdf")
    parts = render_post(channel, "report", ctx, "es")
    assert len(parts) <= 4
    assert all(LENGTH[channel](p) <= LIMITS[channel] for p in parts), [LENGTH[channel](p) for p in parts]
    section_two = next(p for p in parts[1:] if p.split("\n")[0].startswith(("Nuevas en la sección II", "Sección II")))
    lines = section_two.split("\n")[1:]
    more = int(lines[-1].split()[1]) if lines and lines[-1].startswith("y ") and " más: " in lines[-1] else 0
    shown = len(lines) - (1 if more else 0)
    assert shown + more == len(ctx.newly_listed) + len(ctx.listed_again) + len(ctx.no_longer_listed)


def test_each_account_posts_in_its_own_language(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.dispatch import enqueue
    from publish_support import X_KEYS, live, store_series

    ids = store_series(db, data_dir, tmp_path, steps=2)
    cfg = live(config, **X_KEYS, x_language="es", mastodon_base_url="https://masto.example",
               mastodon_access_token="t")
    enqueue(cfg, db, ids[1])
    with db.session() as session:
        parts = {m.channel: m.parts for m in session.scalars(select(MessageRow))}
    assert "Fuente:" in "\n".join(parts["x"]) and "Source:" in "\n".join(parts["mastodon"])


def test_each_subscriber_gets_the_digest_in_their_language(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_ddor
    from ddor_watch.db.models import Delivery
    from ddor_watch.monitor.dispatch import enqueue
    from publish_support import store_series

    ids = store_series(db, data_dir, tmp_path, steps=2)
    for address, language in (("ana@example.org", "es"), ("bob@example.org", "en")):
        result = run_ddor("--db", str(db.engine.url), "--data-dir", str(data_dir), "subscribers", "add", address,
                          "--language", language)
        assert result.returncode == 0, result.stderr
    enqueue(config, db, ids[1])
    with db.session() as session:
        rows = session.execute(select(MessageRow.language, MessageRow.subject, Delivery.recipient)
                               .join(Delivery, Delivery.message_id == MessageRow.id)
                               .where(MessageRow.channel == "email")).all()
    by_recipient = {recipient: (language, subject) for language, subject, recipient in rows}
    assert by_recipient["ana@example.org"][0] == "es" and "detainers rechazados" in by_recipient["ana@example.org"][1]
    assert by_recipient["bob@example.org"][0] == "en" and "declined detainers" in by_recipient["bob@example.org"][1]
    again = run_ddor("--db", str(db.engine.url), "--data-dir", str(data_dir), "subscribers", "add", "x@example.org",
                     "--language", "fr")
    assert again.returncode == 2


# Templates whose words are not in the catalog yet (none left). This set may only shrink.
NOT_YET_TRANSLATED: set[str] = set()
# Words a template may print outside the catalog: names, formats and symbols, not prose.
NOT_WORDS = {"ddor-watch", "CSV", "JSON", "PDF", "SHA-256", "ICE", "MOA", "English", "Español"}


def _bare_text(source: str) -> str:
    """What a template prints of its own: its text without Jinja tags, expressions, comments,
    HTML tags, attributes and entities."""
    import re

    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"^~~~.*$", " ", text, flags=re.M)     # the packer's block markers
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return re.sub(r"&\w+;", " ", text)


def test_no_template_prints_words_that_bypass_the_catalog() -> None:
    import re

    root = ROOT / "templates"
    leaks = {}
    for path in sorted(root.rglob("*.j2")):
        name = str(path.relative_to(root))
        if name in NOT_YET_TRANSLATED or name.endswith(".css.j2"):
            continue
        words = [w for w in re.findall(r"[^\W\d_][\w'-]*", _bare_text(path.read_text())) if w not in NOT_WORDS]
        if words:
            leaks[name] = words[:8]
    assert leaks == {}, f"words printed outside the catalog: {leaks}"
    assert all((root / name).is_file() for name in NOT_YET_TRANSLATED), "drop translated templates from the set"


@settings(max_examples=30, deadline=None)
@given(names=names, channel=st.sampled_from(SOCIAL), kind=st.sampled_from(["list", "agreements"]))
def test_spanish_list_and_agreement_threads_fit_every_network(names, channel, kind) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from test_templates import _agreement_context, _list_context

    ctx = _list_context(names) if kind == "list" else _agreement_context(names)
    since = {"since_day": dt.date(2025, 5, 16)} if kind == "agreements" else {}
    ctx = replace(ctx, day=dt.date(2025, 5, 23), **since)
    parts = render_post(channel, kind, ctx, "es")
    assert len(parts) <= 4 and all(LENGTH[channel](p) <= LIMITS[channel] for p in parts)
    assert "23 de mayo de 2025" in parts[0]
    for english in ENGLISH_WORDING:   # the head carries no names from the documents
        assert english not in parts[0], english


@pytest.mark.parametrize("kind", ["list", "agreements"])
def test_spanish_list_and_agreement_digests(kind: str) -> None:
    from dataclasses import replace

    from test_templates import _agreement_context, _list_context

    from ddor_watch.publish.agreement_context import CorrectionLine
    from ddor_watch.publish.render import render_digest

    names = ["Trenton City, NJ", "Doña Ana County Sheriff's Office"]
    if kind == "list":
        ctx = replace(_list_context(names), day=dt.date(2025, 8, 12), states=("NJ",))
    else:
        corrections = [CorrectionLine("Ft. Myers PD, FL", "Fort Myers Police Department, FL", "renamed"),
                       CorrectionLine("Polk County Sheriff's Office, FL signed May 1, 2025", "signed May 2, 2025",
                                      "signed date changed", "Polk County Sheriff's Office, FL", dt.date(2025, 5, 1),
                                      dt.date(2025, 5, 2))]
        ctx = _agreement_context(names)

        def dated(lines):  # type: ignore[no-untyped-def]
            return [replace(a, signed_day=dt.date(2025, 5, 21)) for a in lines]

        ctx = replace(ctx, day=dt.date(2025, 5, 23), since_day=dt.date(2025, 5, 16), corrections=corrections,
                      new=dated(ctx.new), ended=dated(ctx.ended))
    subject, text, html = render_digest(kind, ctx, True, "es")
    check_golden(f"{kind}-digest-email.es.txt", f"Subject: {subject}\n\n{text}")
    assert '<html lang="es">' in html
    english = [w for w in ENGLISH_WORDING + ("checked", "signed", "As of", "PENDING", "NEW AGREEMENTS", "ADDED", "May ")
               if w in (subject + text + html)]
    assert english == [], english


def test_a_spanish_account_and_reader_get_a_map_drawn_in_spanish(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.subscribers import add_subscriber
    from ddor_watch.monitor.dispatch import enqueue
    from publish_support import X_KEYS, live, store_series

    ids = store_series(db, data_dir, tmp_path, steps=2)
    add_subscriber(db, "ana@example.org", language="es")
    enqueue(live(config, **X_KEYS, x_language="es"), db, ids[1])
    with db.session() as session:
        maps = {(m.channel, m.language): (m.image_path, m.alt_text) for m in session.scalars(select(MessageRow))}
    x_map, x_alt = maps[("x", "es")]
    assert x_map.endswith(".es.png") and (data_dir / x_map).is_file()
    assert x_alt.startswith("Mapa de los condados de EE. UU.") and "detainers rechazados" in x_alt
    assert maps[("email", "en")][1].startswith("Map of US counties")
    assert maps[("email", "es")][1].startswith("Mapa de los condados")


def test_state_names_follow_the_locale() -> None:
    assert [i18n.state_name(code, "es") for code in ("NY", "NC", "HI", "TX", "XX")] == \
        ["Nueva York", "Carolina del Norte", "Hawái", "Texas", "XX"]
    assert i18n.state_name("NY", "en") == "New York"
