"""Jurisdiction-list snapshots: stored only when the normalised list (or its presence)
changed, with their entries and the changes against the snapshot before."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from ddor_watch.db.models import (
    FollowedLinkRow,
    ListChangeRow,
    ListDocumentRow,
    ListEntryRow,
    ListSnapshotRow,
    SourceCheck,
    as_utc,
    utcnow,
)
from ddor_watch.db.records import FollowedLink, ListChange, ListChangeKind, ListEntry, ListLevel
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
    warnings: tuple[str, ...] = ()
    documents: tuple[ListDocument, ...] = ()


@dataclass(frozen=True)
class ListDocument:
    """A document a snapshot was read from (a 287(g) workbook), with our archived copy."""

    part: str
    url: str
    sha256: str | None
    archive_path: str | None


@dataclass(frozen=True)
class SourceCheckInfo:
    source: str
    last_checked_at: dt.datetime | None
    last_status: str | None
    last_change_at: dt.datetime | None


def entries_hash(entries: tuple[ListEntry, ...]) -> str:
    """The identity of a list's content: its entries' keys, printed names and (agreements) what
    each row says besides, in no order. Duplicate rows count: removing one is a change."""
    lines = sorted(f"{e.key}\t{e.list_name}\t{e.name}" + (
        f"\t{e.signed}\t{e.moa_url}\t{e.county}\t{e.agency_type}" if e.level is ListLevel.AGENCY else "")
        for e in entries)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _entry(row: ListEntryRow | ListChangeRow) -> ListEntry:
    return ListEntry(row.list_name or "", ListLevel(row.level or "other"), row.name or "", row.state, row.fips,
                     row.place_id, row.latitude, row.longitude, row.support_type, row.signed, row.moa_url,
                     row.agency_type, row.county)


def _entry_columns(e: ListEntry) -> dict[str, object]:
    return {"list_name": e.list_name, "level": str(e.level), "name": e.name, "state": e.state, "fips": e.fips,
            "place_id": e.place_id, "latitude": e.latitude, "longitude": e.longitude,
            "support_type": e.support_type, "signed": e.signed, "moa_url": e.moa_url,
            "agency_type": e.agency_type, "county": e.county}


def _stored(db: Database, row: ListSnapshotRow) -> StoredList:
    with db.session() as session:
        entries = tuple(_entry(e) for e in session.scalars(
            select(ListEntryRow).where(ListEntryRow.snapshot_id == row.id).order_by(ListEntryRow.position)))
        documents = tuple(ListDocument(d.part, d.url, d.sha256, d.archive_path) for d in session.scalars(
            select(ListDocumentRow).where(ListDocumentRow.snapshot_id == row.id).order_by(ListDocumentRow.id)))
    fetched = as_utc(row.fetched_at)
    assert fetched is not None
    return StoredList(row.id, row.source, row.url, fetched, row.status, entries, row.entries_hash, row.sha256,
                      tuple(w for w in (row.warnings or "").split("\n") if w), documents)


def latest_list(db: Database, source: str, status: str | None = None) -> StoredList | None:
    with db.session() as session:
        query = select(ListSnapshotRow).where(ListSnapshotRow.source == source)
        if status is not None:
            query = query.where(ListSnapshotRow.status == status)
        row = session.scalar(query.order_by(ListSnapshotRow.id.desc()).limit(1))
    return _stored(db, row) if row is not None else None


def recent_hashes(db: Database, source: str, count: int) -> list[str]:
    """The entries hashes of the source's last `count` listed snapshots, newest first."""
    with db.session() as session:
        return list(session.scalars(select(ListSnapshotRow.entries_hash).where(
            ListSnapshotRow.source == source, ListSnapshotRow.status == LISTED)
            .order_by(ListSnapshotRow.id.desc()).limit(count)))


def previous_list(db: Database, snapshot: StoredList) -> StoredList | None:
    """The listed snapshot of the same source before this one ("since" in posts)."""
    with db.session() as session:
        row = session.scalar(select(ListSnapshotRow).where(
            ListSnapshotRow.source == snapshot.source, ListSnapshotRow.id < snapshot.id,
            ListSnapshotRow.status == LISTED).order_by(ListSnapshotRow.id.desc()).limit(1))
    return _stored(db, row) if row is not None else None


def latest_list_statuses(db: Database) -> dict[str, str]:
    """{source: status of its latest snapshot} (listed | gone), without loading entries."""
    with db.session() as session:
        latest = select(ListSnapshotRow.source, func.max(ListSnapshotRow.id).label("id")).group_by(
            ListSnapshotRow.source).subquery()
        rows = session.execute(select(ListSnapshotRow.source, ListSnapshotRow.status)
                               .join(latest, latest.c.id == ListSnapshotRow.id))
        return {source: status for source, status in rows}


def load_list(db: Database, snapshot_id: int) -> StoredList:
    with db.session() as session:
        row = session.get(ListSnapshotRow, snapshot_id)
        if row is None:
            raise LookupError(f"no list snapshot {snapshot_id}")
    return _stored(db, row)


def store_list(db: Database, source: str, url: str, status: str, entries: tuple[ListEntry, ...],
               changes: list[ListChange], sha256: str | None, archive_path: str | None, publish: bool,
               warnings: tuple[str, ...] = (), documents: tuple[ListDocument, ...] = ()) -> int:
    """One snapshot, its entries, changes and documents, in one transaction; `publish` marks it
    for the outbox in the same transaction (as reports are), so a crash cannot lose it."""
    with db.session() as session:
        row = ListSnapshotRow(source=source, url=url, status=status, sha256=sha256, archive_path=archive_path,
                              entries_hash=entries_hash(entries), entry_count=len(entries), publish_pending=publish,
                              warnings="\n".join(w.replace("\n", " ") for w in warnings))
        session.add(row)
        session.flush()
        session.add_all(ListEntryRow(snapshot_id=row.id, position=i, entry_key=e.key, **_entry_columns(e))
                        for i, e in enumerate(entries))
        for i, change in enumerate(changes):
            columns = _entry_columns(change.entry) if change.entry else {}
            session.add(ListChangeRow(snapshot_id=row.id, position=i, kind=str(change.kind), **columns))
            if change.before is not None:
                session.add(ListChangeRow(snapshot_id=row.id, position=i, kind=str(change.kind), role="before",
                                          **_entry_columns(change.before)))
        session.add_all(ListDocumentRow(snapshot_id=row.id, part=d.part, url=d.url, sha256=d.sha256,
                                        archive_path=d.archive_path) for d in documents)
        return row.id


def load_list_changes(db: Database, snapshot_id: int) -> list[ListChange]:
    with db.session() as session:
        rows = list(session.scalars(select(ListChangeRow).where(ListChangeRow.snapshot_id == snapshot_id)
                                    .order_by(ListChangeRow.position, ListChangeRow.id)))
    befores = {r.position: _entry(r) for r in rows if r.role == "before"}
    return [ListChange(ListChangeKind(r.kind), _entry(r) if r.name is not None else None, befores.get(r.position))
            for r in rows if r.role != "before"]


def lists_pending_publication(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(ListSnapshotRow.id).where(ListSnapshotRow.publish_pending)
                                    .order_by(ListSnapshotRow.id)))


def mark_list_queued(db: Database, snapshot_id: int) -> None:
    with db.session() as session:
        row = session.get(ListSnapshotRow, snapshot_id)
        if row is not None:
            row.publish_pending = False


def record_check(db: Database, source: str, status: str, changed: bool,
                 documents: dict[str, str] | None = None) -> None:
    """A source's last check; `documents` ({part: URL}) replaces the documents its page links."""
    with db.session() as session:
        row = session.get(SourceCheck, source)
        if row is None:
            row = SourceCheck(source=source)
            session.add(row)
        row.last_checked_at, row.last_status = utcnow(), status[:200]
        if changed:
            row.last_change_at = row.last_checked_at
        if documents is not None:
            row.documents = "\n".join(f"{part}\t{url}" for part, url in sorted(documents.items()))


def known_documents(db: Database) -> dict[str, dict[str, str]]:
    """{source: {part: URL}}: the documents each source's page linked at its last check."""
    with db.session() as session:
        return {row.source: dict(line.split("\t", 1) for line in row.documents.split("\n") if "\t" in line)
                for row in session.scalars(select(SourceCheck))}


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


@dataclass(frozen=True)
class Membership:
    """One place on one source's list over time: each interval it was listed, and how the last
    one ended ("removed": the list dropped it; "gone": the whole page went away), if it did."""

    source: str
    key: tuple[str | None, str]
    entry: ListEntry                                          # as the list last printed it
    intervals: tuple[tuple[dt.datetime, dt.datetime | None], ...]
    ended_how: str | None = None                              # None while listed today

    @property
    def listed_now(self) -> bool:
        return self.intervals[-1][1] is None

    @property
    def since(self) -> dt.datetime:
        """The start of the current (or last) interval."""
        return self.intervals[-1][0]

    @property
    def ended_on(self) -> dt.datetime | None:
        return self.intervals[-1][1]


def memberships(db: Database) -> list[Membership]:
    """Every place each jurisdiction list ever named, as intervals: what holds today and since
    when, or when and how it stopped holding (agencies, 287(g), are not places)."""
    with db.session() as session:
        snapshots = list(session.execute(select(ListSnapshotRow.id, ListSnapshotRow.source, ListSnapshotRow.status,
                                                ListSnapshotRow.fetched_at).order_by(ListSnapshotRow.id)))
        rows = session.scalars(select(ListEntryRow).where(ListEntryRow.level != str(ListLevel.AGENCY))
                               .order_by(ListEntryRow.snapshot_id, ListEntryRow.position))
        by_snapshot: dict[int, list[ListEntry]] = {}
        for row in rows:
            by_snapshot.setdefault(row.snapshot_id, []).append(_entry(row))
    open_: dict[tuple[str, tuple[str | None, str]], dt.datetime] = {}
    closed: dict[tuple[str, tuple[str | None, str]], list[tuple[dt.datetime, dt.datetime | None]]] = {}
    how: dict[tuple[str, tuple[str | None, str]], str] = {}
    printed: dict[tuple[str, tuple[str | None, str]], ListEntry] = {}
    for snapshot_id, source, status, fetched in snapshots:
        when = as_utc(fetched)
        assert when is not None
        entries = by_snapshot.get(snapshot_id, [])
        if status == LISTED and not entries:
            continue    # an agreement list's snapshot: no places in it
        present = {}
        for entry in entries:
            present[(source, place_key(entry.state, entry.fips, entry.name))] = entry
        for member in [m for m in open_ if m[0] == source and m not in present]:
            closed.setdefault(member, []).append((open_.pop(member), when))
            how[member] = "gone" if status == GONE else "removed"
        for member, entry in present.items():
            open_.setdefault(member, when)
            printed[member] = entry
            how.pop(member, None)
    found = []
    for member in sorted(set(open_) | set(closed), key=lambda m: (m[0], m[1][0] or "", m[1][1])):
        intervals = [*closed.get(member, [])] + ([(open_[member], None)] if member in open_ else [])
        found.append(Membership(member[0], member[1], printed[member], tuple(intervals),
                                None if member in open_ else how.get(member)))
    return found


# The changes whose entry's own document (a 287(g) MOA) is worth a copy: new agreements and
# newly published agreements, never the whole baseline.
_FOLLOW_KINDS = (ListChangeKind.ADDED, ListChangeKind.SIGNED, ListChangeKind.MOA_PUBLISHED)


def links_to_follow(db: Database, source: str, limit: int) -> list[str]:
    """Document links of new entries not fetched yet, newest first, at most `limit`."""
    with db.session() as session:
        done = set(session.scalars(select(FollowedLinkRow.url).where(FollowedLinkRow.source == source)))
        rows = session.scalars(select(ListChangeRow.moa_url).join(
            ListSnapshotRow, ListSnapshotRow.id == ListChangeRow.snapshot_id).where(
            ListSnapshotRow.source == source, ListChangeRow.role == "", ListChangeRow.moa_url.is_not(None),
            ListChangeRow.kind.in_([str(k) for k in _FOLLOW_KINDS])).order_by(ListChangeRow.id.desc()))
        wanted = [url for url in dict.fromkeys(rows) if url and url not in done]
    return wanted[:limit]


def record_followed(db: Database, source: str, link: FollowedLink) -> None:
    with db.session() as session:
        row = session.scalar(select(FollowedLinkRow).where(FollowedLinkRow.url == link.url))
        if row is None:
            row = FollowedLinkRow(source=source, url=link.url)
            session.add(row)
        row.status, row.sha256, row.archive_path, row.fetched_at = link.status, link.sha256, link.archive_path, utcnow()


def followed_links(db: Database) -> dict[str, FollowedLink]:
    with db.session() as session:
        return {r.url: FollowedLink(r.url, r.status, r.sha256, r.archive_path)
                for r in session.scalars(select(FollowedLinkRow))}
