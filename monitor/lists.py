"""One check's jurisdiction-list pages: parse, compare with the last snapshot, store only
what changed, and raise what a maintainer must know (layout drift, a page gone or back)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ddor_watch.db.lists import GONE, LISTED, entries_hash, latest_list, record_check, store_list
from ddor_watch.db.records import FetchedPage, ListChangeKind
from ddor_watch.db.session import Database
from ddor_watch.monitor.alerts import alert
from ddor_watch.monitor.config import Settings
from ddor_watch.monitor.list_diff import diff_list
from ddor_watch.scraper.sources import SOURCES
from ddor_watch.scraper.sources.base import ListLayoutError

logger = logging.getLogger(__name__)


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
    return [_process(settings, db, page) for page in pages]


def _process(settings: Settings, db: Database, page: FetchedPage) -> ListOutcome:
    source = SOURCES[page.source]
    if page.status == 304:
        record_check(db, page.source, "unchanged (304)", changed=False)
        return ListOutcome(page.source, page.url, "unchanged (304)")
    previous = latest_list(db, page.source)
    if page.status in (404, 410):
        changes = diff_list(previous, None, None)
        if not changes:
            record_check(db, page.source, f"gone (HTTP {page.status})", changed=False)
            return ListOutcome(page.source, page.url, f"gone (HTTP {page.status})")
        snapshot = store_list(db, page.source, page.url, GONE, (), changes, None, None, publish=True)
        record_check(db, page.source, f"gone (HTTP {page.status})", changed=True)
        alert(db, settings, f"list-gone:{page.source}:{snapshot}",
              f"The {source.agency} {source.title} at {page.url} answers HTTP {page.status}: the page is gone.")
        return ListOutcome(page.source, page.url, f"gone (HTTP {page.status})", snapshot, True)
    assert source.parse is not None and page.bytes_path is not None
    try:
        parsed = source.parse(Path(page.bytes_path).read_bytes(), page.content_type, page.url)
    except ListLayoutError as error:
        record_check(db, page.source, f"layout drift: {error}", changed=False)
        alert(db, settings, f"layout:list:{page.source}",
              f"Layout drift: {error}. Nothing was stored or published; the last list stands.")
        return ListOutcome(page.source, page.url, "layout drift")
    if previous is not None and previous.status == LISTED and previous.entries_hash == entries_hash(parsed.entries):
        record_check(db, page.source, "unchanged list", changed=False)
        return ListOutcome(page.source, page.url, "unchanged list")   # page chrome changed, the list did not
    last_listed = previous if previous is None or previous.status == LISTED else latest_list(db, page.source, LISTED)
    changes = diff_list(previous, last_listed, parsed.entries)
    baseline = any(c.kind is ListChangeKind.BASELINE for c in changes)
    snapshot = store_list(db, page.source, page.url, LISTED, parsed.entries, changes, page.sha256,
                          page.bytes_path, publish=not baseline)
    unmapped = sum(1 for e in parsed.entries if not e.fips and not e.place_id)
    added = sum(c.kind is ListChangeKind.ADDED for c in changes)
    removed = sum(c.kind is ListChangeKind.REMOVED for c in changes)
    status = (f"baseline: {len(parsed.entries)} entries ({unmapped} unmapped)" if baseline
              else f"changed: {added} added, {removed} removed" + (" (back after being gone)"
                                                                   if previous and previous.status == GONE else ""))
    record_check(db, page.source, status, changed=True)
    return ListOutcome(page.source, page.url, status, snapshot, not baseline)
