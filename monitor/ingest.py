"""Archive ▸ parse ▸ store ▸ diff for one document, and the re-parse of the whole archive."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ddor_watch.db.archive import archive_file
from ddor_watch.db.changes import has_changes, load_changes, store_changes
from ddor_watch.db.errors import BadInput
from ddor_watch.db.models import Document
from ddor_watch.db.paths import DataDir
from ddor_watch.db.records import MAINTAINER_UPLOAD, Change, FetchedDocument, ParsedReport
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import load_snapshot, previous_report_id, report_for_period, report_ids_in_order
from ddor_watch.db.store import (
    StoreResult,
    StoreStatus,
    already_stored,
    count_reports,
    mark_quarantined,
    replace_report,
    store_quarantined,
    store_report,
)
from ddor_watch.monitor.config import Settings
from ddor_watch.monitor.diff import diff
from ddor_watch.scraper.pdf.parser import check_pdf_file
from ddor_watch.scraper.pdf.sandbox import ParseLimits, parse_many, parse_sandboxed

logger = logging.getLogger(__name__)


class ArchivedDocument(NamedTuple):
    id: int
    sha256: str
    path: str
    url: str


def record_changes(db: Database, report_id: int, replace: bool = False) -> bool:
    """Diff a stored report against the one before it and store the result once."""
    if not replace and has_changes(db, report_id):
        return False
    previous_id = previous_report_id(db, report_id)
    previous = load_snapshot(db, previous_id) if previous_id else None
    return store_changes(db, report_id, previous_id, diff(previous, load_snapshot(db, report_id)), replace=replace)


def ingest_fetched(db: Database, fetched: FetchedDocument, limits: ParseLimits, backfill: bool = False,
                   publish: bool = True) -> StoreResult:
    """`fetched.bytes_path` is already in the archive. Parse (sandboxed), then store in one
    transaction; a fetched document that does not parse is kept, quarantined."""
    if (existing := already_stored(db, fetched.sha256)) is not None:
        return existing
    try:
        parsed = parse_sandboxed(fetched.bytes_path, display_name=fetched.url, limits=limits)
    except BadInput as error:
        logger.warning("quarantined %s: %s", fetched.url, error)
        return store_quarantined(db, fetched, str(error))
    return _store_parsed(db, fetched, parsed, backfill, publish)


def _store_parsed(db: Database, fetched: FetchedDocument, parsed: ParsedReport, backfill: bool,
                  publish: bool) -> StoreResult:
    result = store_report(db, fetched, parsed, backfill=backfill, publish=publish)
    if result.report_id is not None and result.status.new_report:
        record_changes(db, result.report_id)
    return result


def ingest_path(db: Database, data: DataDir, path: Path, limits: ParseLimits | None = None, backfill: bool = False,
                url: str | None = None) -> StoreResult:
    """A local file from a maintainer: refused (BadInput) unless it parses; nothing is archived
    or quarantined for a file that is not a report, since the maintainer holds it already."""
    sha256 = check_pdf_file(path)
    if (existing := already_stored(db, sha256)) is not None:
        return existing
    parsed = parse_sandboxed(path, display_name=str(path), limits=limits or ParseLimits())
    sha256, archived, size = archive_file(data, path)
    # Without --url the file's place on the maintainer's disk is nobody's business and no source:
    # pages and digests say "added by the maintainers".
    fetched = FetchedDocument(url=url or f"{MAINTAINER_UPLOAD}{path.name}", sha256=sha256, bytes_path=str(archived),
                              etag=None, last_modified=None, fetched_at=dt.datetime.now(dt.UTC), size=size,
                              title=path.name)
    return _store_parsed(db, fetched, parsed, backfill, publish=False)


@dataclass(frozen=True)
class FileOutcome:
    """One local file given to `ddor ingest`: stored, already there, refused or quarantined."""

    path: Path
    result: StoreResult | None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.result is None or self.result.status is StoreStatus.QUARANTINED

    def __str__(self) -> str:
        if self.result is None:
            return f"error: {self.error}"
        if self.result.status is StoreStatus.QUARANTINED:
            return f"error: {self.path}: quarantined: {self.result.message}"
        return f"{self.path}: {self.result.message}"


def ingest_files(settings: Settings, db: Database, paths: Iterable[Path], url: str | None = None
                 ) -> Iterator[FileOutcome]:
    """Ingest local files one by one (a bad one never stops the rest); several files into an
    empty database are a silent backfill. `url`: where the (one) file came from."""
    from ddor_watch.monitor.config import parse_limits

    paths = list(paths)
    if url is not None and len(paths) != 1:
        raise BadInput("--url names where one file came from: give exactly one file with it")
    if url is not None and not url.startswith(("http://", "https://")):
        raise BadInput(f"--url {url}: not an http(s) address")
    backfill = count_reports(db) == 0 and len(paths) > 1
    for path in paths:
        try:
            result = ingest_path(db, settings.data, path, parse_limits(settings), backfill=backfill, url=url)
        except BadInput as error:
            yield FileOutcome(path, None, str(error))
            continue
        yield FileOutcome(path, result)


def changes_for_period(db: Database, period_end: dt.date | None) -> list[Change]:
    """The stored diff of a report (the latest by default) against the one before it."""
    report_id = report_for_period(db, period_end)
    if report_id is None:
        raise BadInput("no stored report" + (f" for period end {period_end}" if period_end else ""))
    record_changes(db, report_id)
    return load_changes(db, report_id)


def reparse_all(db: Database, limits: ParseLimits, workers: int | None = None,
                wrap: Callable[[list[ArchivedDocument]], Iterable[ArchivedDocument]] = list,
                ) -> list[tuple[str, str]]:
    """Re-parse every archived document with the current parser; rows replaced per document.

    A document that no longer parses keeps its stored rows and is reported, so a parser
    regression never deletes history.
    """
    from sqlalchemy import select

    with db.session() as session:
        documents = [ArchivedDocument(d.id, d.sha256, d.archive_path, d.url or d.archive_path)
                     for d in session.scalars(select(Document).order_by(Document.id))]
    # Parsing fans out to worker processes; storing stays here, one writer, in archive order.
    outcomes = []
    results = parse_many(((d.path, d.url) for d in documents), limits, workers)
    for document, parsed in zip(wrap(documents), results, strict=True):
        if isinstance(parsed, BadInput):
            mark_quarantined(db, document.id, str(parsed))
            outcomes.append((document.sha256, f"failed: {parsed}"))
            continue
        replace_report(db, document.id, parsed)
        outcomes.append((document.sha256, "reparsed"))
    for report_id in report_ids_in_order(db):
        record_changes(db, report_id, replace=True)
    return outcomes
