"""One check's list pages and documents: parse, compare with the last snapshot, store only
what changed, and raise what a maintainer must know (layout drift, a page gone or back, a
drop too large to publish unread).

A source whose page is the list (DOJ, DHS) is read page by page. A source that reads the
documents its page links (ICE's 287(g) workbooks) is read as one list from all its parts: a
part that did not change (304) keeps its rows from the last snapshot, and a part that could
not be fetched or read stores nothing at all, so a missing workbook never reads as "every
agreement ended".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ddor_watch.db.errors import BadInput
from ddor_watch.db.lists import (
    GONE,
    LISTED,
    ListDocument,
    StoredList,
    entries_hash,
    latest_list,
    recent_hashes,
    record_check,
    record_followed,
    store_list,
)
from ddor_watch.db.records import (
    FOLLOWED_PART,
    FetchedPage,
    FollowedLink,
    ListChange,
    ListChangeKind,
    ListEntry,
    ListReading,
)
from ddor_watch.db.session import Database
from ddor_watch.monitor.agreement_diff import diff_agreements
from ddor_watch.monitor.alerts import alert
from ddor_watch.monitor.config import Settings, parse_limits
from ddor_watch.monitor.list_diff import diff_entries, diff_list
from ddor_watch.scraper.pdf.sandbox import call_sandboxed
from ddor_watch.scraper.sources import SOURCES, Source, SourceKind
from ddor_watch.scraper.sources.base import ListLayoutError

logger = logging.getLogger(__name__)

# The hold reason of a list that went back to an earlier version: one alert a day, not one a flap.
FLAPPING = "flapping page"

# How each kind of list is compared: a keyed diff for jurisdictions, the matcher for agreements.
DIFFS: dict[SourceKind, Callable[[tuple[ListEntry, ...], tuple[ListEntry, ...]], list[ListChange]]] = {
    SourceKind.JURISDICTION_LIST: diff_entries,
    SourceKind.AGREEMENT_LIST: diff_agreements,
}


@dataclass(frozen=True)
class ListOutcome:
    source: str
    url: str
    status: str                  # what `ddor sources` shows as the last check
    snapshot_id: int | None = None
    publish: bool = False

    def __str__(self) -> str:
        return f"{self.source}: {self.status}"


def process_list_pages(settings: Settings, db: Database, pages: tuple[FetchedPage, ...]) -> list[ListOutcome]:
    outcomes: list[ListOutcome] = []
    grouped: dict[str, list[FetchedPage]] = {}
    for page in pages:
        if page.part == FOLLOWED_PART:
            # An entry's own document (an MOA): kept, or its status noted; a no-answer is retried.
            if page.status:
                record_followed(db, page.source, FollowedLink(page.url, page.status, page.sha256, page.bytes_path))
            continue
        grouped.setdefault(page.source, []).append(page)
    for name, group in grouped.items():
        source = SOURCES[name]
        if source.documents:
            outcomes.append(_process_documents(settings, db, source, group))
        else:
            outcomes += [_process_page(settings, db, source, page) for page in group]
    return outcomes


def _read(settings: Settings, source: Source, page: FetchedPage) -> ListReading:
    """Parse one archived page or document; a sandboxed source in a limited child process."""
    assert source.parse is not None and page.bytes_path is not None
    body = Path(page.bytes_path).read_bytes()
    if not source.sandboxed:
        return source.parse(body, page.content_type, page.url, page.part)
    try:
        return call_sandboxed(source.parse, (body, page.content_type, page.url, page.part), page.url,
                              parse_limits(settings))
    except BadInput as error:   # over the time or memory limit, or the reader died: not a list we can read
        raise ListLayoutError(str(error)) from error


def _drift(settings: Settings, db: Database, source: Source, url: str, error: ListLayoutError | str) -> ListOutcome:
    record_check(db, source.name, f"layout drift: {error}", changed=False)
    alert(db, settings, f"layout:list:{source.name}",
          f"Layout drift: {error}. Nothing was stored or published; the last list stands.")
    return ListOutcome(source.name, url, "layout drift")


def _gone(settings: Settings, db: Database, source: Source, page: FetchedPage,
          previous: StoredList | None) -> ListOutcome:
    status = f"gone (HTTP {page.status})"
    changes = diff_list(previous, None, None, DIFFS[source.kind])
    if not changes:
        record_check(db, source.name, status, changed=False)
        return ListOutcome(source.name, page.url, status)
    snapshot = store_list(db, source.name, page.url, GONE, (), changes, None, None, publish=True)
    record_check(db, source.name, status, changed=True)
    alert(db, settings, f"list-gone:{source.name}:{snapshot}",
          f"The {source.agency} {source.title} at {page.url} answers HTTP {page.status}: the page is gone.")
    return ListOutcome(source.name, page.url, status, snapshot, True)


def _process_page(settings: Settings, db: Database, source: Source, page: FetchedPage) -> ListOutcome:
    if page.status == 304:
        record_check(db, source.name, "unchanged (304)", changed=False)
        return ListOutcome(source.name, page.url, "unchanged (304)")
    previous = latest_list(db, source.name)
    if page.status in (404, 410):
        return _gone(settings, db, source, page, previous)
    try:
        reading = _read(settings, source, page)
    except ListLayoutError as error:
        return _drift(settings, db, source, page.url, error)
    return _store(settings, db, source, page.url, previous, _last_listed(db, source, previous), reading.entries,
                  reading.warnings, reading.notes, (), page.sha256, page.bytes_path)


def _process_documents(settings: Settings, db: Database, source: Source, group: list[FetchedPage]) -> ListOutcome:
    page = next((p for p in group if not p.part), group[0])
    previous = latest_list(db, source.name)
    if page.status in (404, 410) and not page.part:
        return _gone(settings, db, source, page, previous)
    parts = {p.part: p for p in group if p.part}
    unlinked = [d.part for d in source.documents if d.part in parts and parts[d.part].status == 0]
    if unlinked:
        return _drift(settings, db, source, page.url, f"{page.url} links no {' or '.join(unlinked)} document")
    missing = [d.part for d in source.documents if d.part not in parts]
    if missing:
        # Not fetched this time (the crawl error says why) or never known: nothing to compare.
        status = f"incomplete: {', '.join(missing)} not fetched; nothing stored"
        record_check(db, source.name, status, changed=False)
        return ListOutcome(source.name, page.url, status)
    dead = [p for p in parts.values() if p.status in (404, 410)]
    if dead:
        return _drift(settings, db, source, page.url,
                      f"{page.url} links {dead[0].url}, which answers HTTP {dead[0].status}")
    urls = {d.part: parts[d.part].url for d in source.documents}
    if all(p.status == 304 for p in parts.values()) and previous is not None and previous.status == LISTED:
        record_check(db, source.name, "unchanged (304)", changed=False, documents=urls)
        return ListOutcome(source.name, page.url, "unchanged (304)")
    last_listed = _last_listed(db, source, previous)
    entries: list[ListEntry] = []
    warnings: list[str] = []
    notes: list[str] = []
    documents: list[ListDocument] = []
    for declared in source.documents:
        fetched = parts[declared.part]
        if fetched.status == 304:
            kept = next((d for d in (last_listed.documents if last_listed else ()) if d.part == declared.part), None)
            if last_listed is None or kept is None:
                status = f"incomplete: {declared.part} unchanged (304) but not stored before; nothing stored"
                record_check(db, source.name, status, changed=False, documents={})
                return ListOutcome(source.name, page.url, status)
            entries += [e for e in last_listed.entries if e.list_name == declared.part]
            warnings += [w for w in last_listed.warnings if w.startswith(f"{declared.part} ")]
            documents.append(kept)
            continue
        try:
            reading = _read(settings, source, fetched)
        except ListLayoutError as error:
            return _drift(settings, db, source, page.url, error)
        entries += reading.entries
        warnings += reading.warnings
        notes += reading.notes
        documents.append(ListDocument(declared.part, fetched.url, fetched.sha256, fetched.bytes_path))
    return _store(settings, db, source, page.url, previous, last_listed, tuple(entries), tuple(warnings),
                  tuple(notes), tuple(documents), None, None, urls)


def _last_listed(db: Database, source: Source, previous: StoredList | None) -> StoredList | None:
    """The last snapshot that held a list: the previous one, unless the page was gone then."""
    return previous if previous is None or previous.status == LISTED else latest_list(db, source.name, LISTED)


def _store(settings: Settings, db: Database, source: Source, url: str, previous: StoredList | None,
           last_listed: StoredList | None, entries: tuple[ListEntry, ...], warnings: tuple[str, ...],
           notes: tuple[str, ...],
           documents: tuple[ListDocument, ...], sha256: str | None, archive_path: str | None,
           urls: dict[str, str] | None = None) -> ListOutcome:
    noted = f" ({len(notes)} note{'s' if len(notes) != 1 else ''}: {notes[0]})" if notes else ""
    if previous is not None and previous.status == LISTED and previous.entries_hash == entries_hash(entries):
        record_check(db, source.name, "unchanged list" + noted, changed=False, documents=urls)
        return ListOutcome(source.name, url, "unchanged list")   # page chrome changed, the list did not
    changes = diff_list(previous, last_listed, entries, DIFFS[source.kind])
    baseline = any(c.kind is ListChangeKind.BASELINE for c in changes)
    held = list(warnings)
    removed = sum(c.kind is ListChangeKind.REMOVED for c in changes)
    before = len(last_listed.entries) if last_listed else 0
    if before and removed > settings.list_drop_hold * before:
        held.append(f"{removed} of {before} entries removed in one update, more than "
                    f"{settings.list_drop_hold:.0%}: held until a maintainer has looked")
    if not baseline and previous is not None and previous.status == LISTED and settings.flap_window:
        # Back to how the list stood a few updates ago: a page alternating between versions
        # would post churn every cycle. Held; the maintainers hear of it once a day.
        earlier = recent_hashes(db, source.name, settings.flap_window + 1)[1:]
        if entries_hash(entries) in earlier:
            ago = earlier.index(entries_hash(entries)) + 2
            held.append(f"{FLAPPING}: the list is back to how it stood {ago} updates ago")
    undecided = sum(c.kind is ListChangeKind.UNDECIDED for c in changes)
    if undecided:
        held.append(f"{undecided} row{'s' if undecided != 1 else ''} could be a rename or an end plus a new "
                    "agreement: held for a maintainer")
    snapshot = store_list(db, source.name, url, LISTED, entries, changes, sha256, archive_path,
                          publish=not baseline, warnings=tuple(held), documents=documents)
    counts = _counts(changes)
    status = (f"baseline: {len(entries)} entries ({sum(1 for e in entries if not e.fips and not e.place_id)} "
              "unmapped)" if baseline else f"changed: {counts}"
              + (" (back after being gone)" if previous and previous.status == GONE else ""))
    record_check(db, source.name, status + noted, changed=True, documents=urls)
    return ListOutcome(source.name, url, status + (" (held)" if held and not baseline else ""), snapshot,
                       not baseline)


def _counts(changes: list[ListChange]) -> str:
    """ "1 added, 1 removed" plus any other kind that occurred: "2 agreement renamed"."""
    added = sum(c.kind is ListChangeKind.ADDED for c in changes)
    removed = sum(c.kind is ListChangeKind.REMOVED for c in changes)
    others: dict[str, int] = {}
    for change in changes:
        if change.kind not in (ListChangeKind.ADDED, ListChangeKind.REMOVED, ListChangeKind.BACK):
            name = str(change.kind).removeprefix("agreement_").replace("_", " ")
            others[name] = others.get(name, 0) + 1
    return ", ".join([f"{added} added", f"{removed} removed", *(f"{n} {k}" for k, n in others.items())])
