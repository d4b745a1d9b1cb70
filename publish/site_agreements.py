"""The 287(g) section of the public site: the program's list as it stands today by state, one
page per agency with its timeline, ICE's corrections of its own list, CSV and JSON of the list
and of every event, and Atom feeds. Rendered from plain values the monitor hands over."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from feedgen.feed import FeedGenerator

from ddor_watch.db.csv_text import csv_text
from ddor_watch.db.records import CORRECTION_KINDS, PARTICIPATING, FollowedLink, ListChangeKind, ListEntry, SupportType
from ddor_watch.db.text import fold
from ddor_watch.publish import i18n
from ddor_watch.publish.i18n import N_

# The names of ICE's two lists as pages show them (catalog ids: translated where shown).
LIST_NAMES = (N_("participating"), N_("pending"))
# How each event reads on a page ("renamed by ICE"), in the site's words.
EVENT_WORDS = {
    ListChangeKind.BASELINE: N_("listed when ddor-watch started watching"),
    ListChangeKind.ADDED: N_("new on the list"),
    ListChangeKind.REMOVED: N_("no longer on the list"),
    ListChangeKind.SIGNED: N_("signed: left the pending list for the participating list"),
    ListChangeKind.RENAMED: N_("renamed by ICE (a correction, not a new agreement)"),
    ListChangeKind.DUPLICATE_REMOVED: N_("a duplicate row removed by ICE"),
    ListChangeKind.DUPLICATE_ADDED: N_("a duplicate row added by ICE"),
    ListChangeKind.SIGNED_DATE_CHANGED: N_("signed date edited by ICE"),
    ListChangeKind.MOA_PUBLISHED: N_("agreement (MOA) published"),
    ListChangeKind.UNDECIDED: N_("held for a maintainer: a rename, or an end and a new agreement"),
    ListChangeKind.GONE: N_("ICE's page was gone"),
    ListChangeKind.BACK: N_("ICE's page was back"),
}


@dataclass(frozen=True)
class AgreementEvent:
    """One event of the agreement list, as the monitor read it from the history."""

    seen: dt.datetime
    kind: ListChangeKind
    entry: ListEntry | None
    before: ListEntry | None = None

    @property
    def words(self) -> str:
        return EVENT_WORDS.get(self.kind, str(self.kind))

    @property
    def correction(self) -> bool:
        return self.kind in CORRECTION_KINDS


@dataclass(frozen=True)
class AgreementSection:
    source_url: str
    agency: str                           # "ICE"
    title: str                            # "287(g) list"
    checked: dt.datetime | None           # the latest snapshot
    current: tuple[ListEntry, ...]        # the list as it stands
    first_seen: dict[str, dt.datetime]    # entry key -> first seen, through renames
    events: tuple[AgreementEvent, ...]    # oldest first
    gone_since: dt.datetime | None = None
    moa: dict[str, FollowedLink] = field(default_factory=dict)    # MOA URL -> our copy, or its status


@dataclass(frozen=True)
class AgencyPage:
    slug: str
    name: str
    state: str | None
    current: tuple[ListEntry, ...]          # its rows on the list today (one per support type)
    events: tuple[AgreementEvent, ...]      # newest first
    ended_on: dt.datetime | None            # no row today: when it left


@dataclass(frozen=True)
class AgreementView:
    """What the section's templates get: the section, its agency pages, and its summaries."""

    section: AgreementSection
    pages: tuple[AgencyPage, ...]

    @cached_property
    def slugs(self) -> dict[str, str]:
        return {e.key: page.slug for page in self.pages for e in page.current}

    def agency_slug(self, entry: ListEntry) -> str:
        return self.slugs.get(entry.key) or agency_slug(entry.state, entry.name)

    @property
    def participating(self) -> int:
        return sum(1 for e in self.section.current if e.list_name == PARTICIPATING)

    @property
    def pending(self) -> int:
        return len(self.section.current) - self.participating

    @property
    def agency_count(self) -> int:
        return len({(e.state, fold(e.name)) for e in self.section.current if e.list_name == PARTICIPATING})

    @property
    def support_types(self) -> list[str]:
        return [str(t) for t in SupportType]

    @property
    def by_state(self) -> list[tuple[str, dict[str, int], int]]:
        return state_counts(self.section.current)

    @property
    def rows_by_state(self) -> list[tuple[str, list[ListEntry]]]:
        grouped: dict[str, list[ListEntry]] = defaultdict(list)
        for entry in self.section.current:
            grouped[entry.state or "?"].append(entry)
        return [(state, sorted(rows, key=lambda e: (e.list_name != PARTICIPATING, fold(e.name), e.support_type or "")))
                for state, rows in sorted(grouped.items())]

    @property
    def corrections(self) -> list[AgreementEvent]:
        return [e for e in self.section.events if e.correction and e.entry is not None]


def view(section: AgreementSection) -> AgreementView:
    return AgreementView(section, tuple(agency_pages(section)))


def agency_slug(state: str | None, name: str) -> str:
    return f"{(state or 'xx').lower()}-{re.sub(r'[^a-z0-9]+', '-', fold(name).lower()).strip('-') or 'agency'}"


def agency_pages(section: AgreementSection) -> list[AgencyPage]:
    """One page per agency: its rows today and its timeline, followed through ICE's renames."""
    slug_of: dict[str, str] = {e.key: agency_slug(e.state, e.name) for e in section.current}
    for event in reversed(section.events):          # newest first: a rename hands its slug back
        if event.kind is ListChangeKind.RENAMED and event.entry and event.before:
            slug_of.setdefault(event.before.key, slug_of.get(event.entry.key,
                                                             agency_slug(event.entry.state, event.entry.name)))
    pages: dict[str, list[AgreementEvent]] = defaultdict(list)
    names: dict[str, tuple[str, str | None]] = {}
    for event in section.events:
        entry = event.entry or event.before
        if entry is None:
            continue
        slug = slug_of.setdefault(entry.key, agency_slug(entry.state, entry.name))
        pages[slug].append(event)
        names[slug] = (entry.name, entry.state)
    for entry in section.current:
        slug = slug_of[entry.key]
        names[slug] = (entry.name, entry.state)
        pages.setdefault(slug, [])
    rows_of: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in section.current:
        rows_of[slug_of[entry.key]].append(entry)
    out = []
    for slug, events in sorted(pages.items()):
        rows = tuple(rows_of.get(slug, ()))
        ended = None if rows else next((e.seen for e in reversed(events) if e.kind is ListChangeKind.REMOVED), None)
        out.append(AgencyPage(slug, names[slug][0], names[slug][1], rows, tuple(reversed(events)), ended))
    return out


def state_counts(current: tuple[ListEntry, ...]) -> list[tuple[str, dict[str, int], int]]:
    """(state, {support type: participating rows}, pending rows), by state."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    pending: Counter[str] = Counter()
    for entry in current:
        state = entry.state or "?"
        if entry.list_name == PARTICIPATING:
            counts[state][entry.support_type or "?"] += 1
        else:
            pending[state] += 1
    return [(state, {str(t): counts[state][str(t)] for t in SupportType}, pending[state])
            for state in sorted(set(counts) | set(pending))]


LIST_HEADER = ["list", "state", "agency", "agency_type", "county", "county_fips", "support_type", "signed", "moa_url",
               "first_seen"]
EVENT_HEADER = ["seen", "kind", "list", "state", "name", "support_type", "signed", "before_name", "before_state"]


def _list_rows(section: AgreementSection) -> list[list[object]]:
    return [[e.list_name, e.state, e.name, e.agency_type, e.county, e.fips, e.support_type,
             e.signed.isoformat() if e.signed else None, e.moa_url,
             section.first_seen[e.key].date().isoformat() if e.key in section.first_seen else None]
            for e in section.current]


def _event_rows(section: AgreementSection) -> list[list[object]]:
    rows: list[list[object]] = []
    for event in section.events:
        entry, before = event.entry, event.before
        rows.append([event.seen.isoformat(), str(event.kind), entry.list_name if entry else None,
                     entry.state if entry else None, entry.name if entry else None,
                     entry.support_type if entry else None,
                     entry.signed.isoformat() if entry and entry.signed else None,
                     before.name if before else None, before.state if before else None])
    return rows


def downloads(section: AgreementSection) -> dict[str, str]:
    """The section's data files: relative path -> text."""
    lists, events = _list_rows(section), _event_rows(section)
    return {
        "agreements/agreements.csv": csv_text(LIST_HEADER, lists),
        "agreements/agreements.json": json.dumps([dict(zip(LIST_HEADER, r, strict=True)) for r in lists],
                                                 indent=2, ensure_ascii=False) + "\n",
        "agreements/events.csv": csv_text(EVENT_HEADER, events),
        "agreements/events.json": json.dumps([dict(zip(EVENT_HEADER, r, strict=True)) for r in events],
                                             indent=2, ensure_ascii=False) + "\n",
    }


def feeds(section: AgreementSection, site_url: str, pages: tuple[AgencyPage, ...]) -> dict[str, bytes]:
    """Atom, in every language: every change of the list, and one feed per state; corrections are
    marked as such."""
    base = site_url.rstrip("/")
    by_state: dict[str, list[AgreementEvent]] = defaultdict(list)
    for event in section.events:
        entry = event.entry or event.before
        if entry is not None and entry.state and event.kind is not ListChangeKind.BASELINE:
            by_state[entry.state].append(event)
    chosen = [e for e in section.events if e.kind is not ListChangeKind.BASELINE]
    slugs = {id(event): page.slug for page in pages for event in page.events}

    def href(event: AgreementEvent) -> str:
        return slugs.get(id(event), "")

    out = {}
    for language in i18n.LANGUAGES:
        words = i18n.translations(language)
        folder = i18n.folder(language)
        out[f"feeds/{folder}agreements.atom"] = _feed(base, "agreements", words.gettext(
            "ddor-watch: changes to ICE's 287(g) list"), chosen, href, language)
        for state, events in sorted(by_state.items()):
            out[f"feeds/{folder}agreements/{state}.atom"] = _feed(
                base, f"agreements/{state}", words.gettext("ddor-watch: ICE's 287(g) list in {state}").format(
                    state=state), events, href, language)
    return out


def _feed(base: str, name: str, title: str, events: list[AgreementEvent],
          href: Callable[[AgreementEvent], str], language: str = i18n.ENGLISH) -> bytes:
    words = i18n.translations(language)
    folder = i18n.folder(language)
    feed = FeedGenerator()
    feed.id(f"{base}/feeds/{folder}{name}.atom" if base else f"urn:ddor-watch:feeds:{folder}{name}")
    feed.title(title)
    feed.link(href=f"{base}/{folder}agreements/" if base else f"../{'../' if folder else ''}{folder}agreements/"
              "index.html", rel="alternate")
    feed.language(language)
    latest = max((e.seen for e in events), default=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    feed.updated(latest)
    for index, event in enumerate(events[-200:]):
        entry = event.entry or event.before
        if entry is None:
            continue
        item = feed.add_entry(order="append")
        item.id(f"urn:ddor-watch:agreements:{event.seen.isoformat()}:{index}:{fold(entry.name)}:{event.kind}"
                + (f":{language}" if folder else ""))
        headline = f"{entry.name}, {entry.state or '?'}: {words.gettext(event.words)}"
        item.title(words.gettext("Correction: {headline}").format(headline=headline) if event.correction
                   else headline)
        item.updated(event.seen)
        slug = href(event)
        item.link(href=f"{base}/{folder}agreements/{slug}.html" if base
                  else f"../{'../' if folder else ''}{folder}agreements/{slug}.html")
        summary = entry.support_type or ""
        if entry.signed:
            summary += ", " + words.gettext("signed {day}").format(day=entry.signed.isoformat())
        if event.before:
            summary += "; " + words.gettext("before: {name}, {state}").format(name=event.before.name,
                                                                             state=event.before.state)
        item.summary(summary)
    return bytes(feed.atom_str(pretty=True))
