"""Jurisdiction-list snapshots: stored only when the normalised list (or its presence)
changed, with their entries and the changes against the snapshot before."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from ddor_watch.db.models import ListChangeRow, ListEntryRow, ListSnapshotRow, SourceCheck, as_utc, utcnow
from ddor_watch.db.records import ListChange, ListChangeKind, ListEntry, ListLevel
from ddor_watch.db.session import Database
from ddor_watch.db.text import fold

LISTED, GONE = "listed", "gone"


@dataclass(frozen=True)
class StoredList:
    id: int
    source: str
    url: str
    fetched_at: dt.datetime
    status: str                      # listed | gone
    entries: tuple[ListEntry, ...]
    entries_hash: str
    sha256: str | None = None


@dataclass(frozen=True)
class SourceCheckInfo:
    source: str
    last_checked_at: dt.datetime | None
    last_status: str | None
    last_change_at: dt.datetime | None


def entries_hash(entries: tuple[ListEntry, ...]) -> str:
    """The identity of a list's content: its entries' keys and printed names, in no order."""
    lines = sorted(f"{e.key}\t{e.list_name}\t{e.name}" for e in entries)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _entry(row: ListEntryRow | ListChangeRow) -> ListEntry:
    return ListEntry(row.list_name or "", ListLevel(row.level or "other"), row.name or "", row.state, row.fips,
                     row.place_id, row.latitude, row.longitude)


def _stored(db: Database, row: ListSnapshotRow) -> StoredList:
    with db.session() as session:
        entries = tuple(_entry(e) for e in session.scalars(
            select(ListEntryRow).where(ListEntryRow.snapshot_id == row.id).order_by(ListEntryRow.position)))
    fetched = as_utc(row.fetched_at)
    assert fetched is not None
    return StoredList(row.id, row.source, row.url, fetched, row.status, entries, row.entries_hash, row.sha256)


def latest_list(db: Database, source: str, status: str | None = None) -> StoredList | None:
    with db.session() as session:
        query = select(ListSnapshotRow).where(ListSnapshotRow.source == source)
        if status is not None:
            query = query.where(ListSnapshotRow.status == status)
        row = session.scalar(query.order_by(ListSnapshotRow.id.desc()).limit(1))
    return _stored(db, row) if row is not None else None


def load_list(db: Database, snapshot_id: int) -> StoredList:
    with db.session() as session:
        row = session.get(ListSnapshotRow, snapshot_id)
        if row is None:
            raise LookupError(f"no list snapshot {snapshot_id}")
    return _stored(db, row)


def store_list(db: Database, source: str, url: str, status: str, entries: tuple[ListEntry, ...],
               changes: list[ListChange], sha256: str | None, archive_path: str | None, publish: bool) -> int:
    """One snapshot, its entries and its changes, in one transaction; `publish` marks it for
    the outbox in the same transaction (as reports are), so a crash cannot lose it."""
    with db.session() as session:
        row = ListSnapshotRow(source=source, url=url, status=status, sha256=sha256, archive_path=archive_path,
                              entries_hash=entries_hash(entries), entry_count=len(entries), publish_pending=publish)
        session.add(row)
        session.flush()
        session.add_all(ListEntryRow(snapshot_id=row.id, position=i, list_name=e.list_name, level=str(e.level),
                                     name=e.name, state=e.state, fips=e.fips, place_id=e.place_id,
                                     latitude=e.latitude, longitude=e.longitude, entry_key=e.key)
                        for i, e in enumerate(entries))
        session.add_all(ListChangeRow(
            snapshot_id=row.id, position=i, kind=str(c.kind), list_name=c.entry.list_name if c.entry else None,
            level=str(c.entry.level) if c.entry else None, name=c.entry.name if c.entry else None,
            state=c.entry.state if c.entry else None, fips=c.entry.fips if c.entry else None,
            place_id=c.entry.place_id if c.entry else None, latitude=c.entry.latitude if c.entry else None,
            longitude=c.entry.longitude if c.entry else None) for i, c in enumerate(changes))
        return row.id


def load_list_changes(db: Database, snapshot_id: int) -> list[ListChange]:
    with db.session() as session:
        rows = session.scalars(select(ListChangeRow).where(ListChangeRow.snapshot_id == snapshot_id)
                               .order_by(ListChangeRow.position))
        return [ListChange(ListChangeKind(r.kind), _entry(r) if r.name is not None else None) for r in rows]


def lists_pending_publication(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(ListSnapshotRow.id).where(ListSnapshotRow.publish_pending)
                                    .order_by(ListSnapshotRow.id)))


def mark_list_queued(db: Database, snapshot_id: int) -> None:
    with db.session() as session:
        row = session.get(ListSnapshotRow, snapshot_id)
        if row is not None:
            row.publish_pending = False


def record_check(db: Database, source: str, status: str, changed: bool) -> None:
    with db.session() as session:
        row = session.get(SourceCheck, source)
        if row is None:
            row = SourceCheck(source=source)
            session.add(row)
        row.last_checked_at, row.last_status = utcnow(), status[:200]
        if changed:
            row.last_change_at = row.last_checked_at


def source_checks(db: Database) -> dict[str, SourceCheckInfo]:
    with db.session() as session:
        return {r.source: SourceCheckInfo(r.source, as_utc(r.last_checked_at), r.last_status,
                                          as_utc(r.last_change_at)) for r in session.scalars(select(SourceCheck))}


def bare_name(printed: str) -> str:
    """A list entry's name without its trailing ", ST": "Baltimore County, MD" -> "Baltimore County"."""
    return printed.rsplit(",", 1)[0] if "," in printed else printed


def place_key(state: str | None, fips: str | None, name: str) -> tuple[str | None, str]:
    """How a list entry and a DDOR jurisdiction meet: the state and the county FIPS, else the
    folded name without a trailing ", ST"."""
    return state, fips if fips and len(fips) == 5 else fold(bare_name(name))


def first_listed(db: Database) -> tuple[dict[tuple[str | None, str], dict[str, dt.datetime]],
                                        dict[tuple[str | None, str], ListEntry]]:
    """For each place a list ever named: {source: first seen}, and the entry as last printed."""
    found: dict[tuple[str | None, str], dict[str, dt.datetime]] = {}
    entries: dict[tuple[str | None, str], ListEntry] = {}
    with db.session() as session:
        rows = session.execute(select(ListSnapshotRow.source, ListSnapshotRow.fetched_at, ListEntryRow)
                               .join(ListEntryRow, ListEntryRow.snapshot_id == ListSnapshotRow.id)
                               .order_by(ListSnapshotRow.fetched_at, ListEntryRow.position))
        for source, fetched, row in rows:
            key = place_key(row.state, row.fips, row.name)
            stamp = as_utc(fetched)
            if stamp is not None:
                found.setdefault(key, {}).setdefault(source, stamp)
            entries[key] = _entry(row)
    return found, entries
