"""Archive ▸ parse ▸ store ▸ diff for one document, and the re-parse of the whole archive."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

from ddor_watch.db.archive import archive_file
from ddor_watch.db.changes import has_changes, store_changes
from ddor_watch.db.errors import BadInput
from ddor_watch.db.models import Document
from ddor_watch.db.records import FetchedDocument
from ddor_watch.db.session import Database
from ddor_watch.db.snapshots import load_snapshot, previous_report_id, report_ids_in_order
from ddor_watch.db.store import (
    StoreResult,
    already_stored,
    mark_quarantined,
    replace_report,
    store_quarantined,
    store_report,
)
from ddor_watch.monitor.diff import diff
from ddor_watch.scraper.pdf import parse_report

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestOutcome:
    source: str
    result: StoreResult


def record_changes(db: Database, report_id: int, replace: bool = False) -> bool:
    """Diff a stored report against the one before it and store the result once."""
    if not replace and has_changes(db, report_id):
        return False
    previous_id = previous_report_id(db, report_id)
    previous = load_snapshot(db, previous_id) if previous_id else None
    return store_changes(db, report_id, previous_id, diff(previous, load_snapshot(db, report_id)), replace=replace)


def ingest_fetched(db: Database, fetched: FetchedDocument, backfill: bool = False) -> StoreResult:
    """`fetched.bytes_path` is already in the archive. Parse, then store in one transaction."""
    if (existing := already_stored(db, fetched.sha256)) is not None:
        return existing
    try:
        parsed = parse_report(fetched.bytes_path, display_name=fetched.url)
    except BadInput as error:
        logger.warning("quarantined %s: %s", fetched.url, error)
        return store_quarantined(db, fetched, str(error))
    result = store_report(db, fetched, parsed, backfill=backfill)
    if result.report_id is not None and result.status in {"stored", "revision"}:
        record_changes(db, result.report_id)
    return result


def ingest_path(db: Database, data_dir: Path, path: Path, backfill: bool = False,
                url: str | None = None) -> StoreResult:
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    sha256, archived, size = archive_file(data_dir, path)
    fetched = FetchedDocument(url=url or path.resolve().as_uri(), sha256=sha256, bytes_path=str(archived),
                              etag=None, last_modified=None, fetched_at=dt.datetime.now(dt.UTC), size=size,
                              title=path.name)
    return ingest_fetched(db, fetched, backfill=backfill)


def reparse_all(db: Database, wrap=lambda items: items) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Re-parse every archived document with the current parser; rows replaced per document.

    A document that no longer parses keeps its stored rows and is reported, so a parser
    regression never deletes history.
    """
    from sqlalchemy import select

    with db.session() as session:
        documents = [(d.id, d.sha256, d.archive_path, d.url)
                     for d in session.scalars(select(Document).order_by(Document.id))]
    outcomes = []
    for document_id, sha256, path, url in wrap(documents):
        try:
            parsed = parse_report(path, display_name=url)
        except BadInput as error:
            mark_quarantined(db, document_id, str(error))
            outcomes.append((sha256, f"failed: {error}"))
            continue
        replace_report(db, document_id, parsed)
        outcomes.append((sha256, "reparsed"))
    for report_id in report_ids_in_order(db):
        record_changes(db, report_id, replace=True)
    return outcomes
