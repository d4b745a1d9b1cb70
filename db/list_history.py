"""List histories for maintainers: the agreements a source lists today, with the day
ddor-watch first saw each (followed through ICE's renames), and every event of every list
source, oldest first. Rows of plain values for `ddor history` (table, CSV, JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ddor_watch.db.lists import LISTED, latest_list, load_list, load_list_changes
from ddor_watch.db.models import ListChangeRow, ListSnapshotRow, as_utc
from ddor_watch.db.records import PARTICIPATING, ListChange, ListChangeKind, ListLevel
from ddor_watch.db.session import Database

AGREEMENT_COLUMNS = ["list", "state", "agency", "agency_type", "county", "county_fips", "support_type", "signed",
                     "moa_url", "first_seen"]
CHANGE_COLUMNS = ["source", "list", "kind", "state", "name", "support_type", "signed", "fetched_at",
                  "before_name", "before_state", "snapshot_id"]

_ARRIVALS = (ListChangeKind.ADDED, ListChangeKind.SIGNED, ListChangeKind.DUPLICATE_ADDED)


def _snapshots(db: Database, source: str | None) -> list[tuple[int, str, dt.datetime]]:
    with db.session() as session:
        query = select(ListSnapshotRow.id, ListSnapshotRow.source, ListSnapshotRow.fetched_at)
        if source is not None:
            query = query.where(ListSnapshotRow.source == source)
        return [(i, s, as_utc(f) or f) for i, s, f in session.execute(query.order_by(ListSnapshotRow.id))]


@dataclass(frozen=True)
class ListEvent:
    """One change of a list, with the snapshot that holds it and when ddor-watch saw it."""

    snapshot_id: int
    seen: dt.datetime
    change: ListChange


def list_events(db: Database, source: str) -> list[ListEvent]:
    """Every change of one source's list with the check that saw it, oldest first."""
    return [ListEvent(snapshot_id, fetched, change) for snapshot_id, _source, fetched in _snapshots(db, source)
            for change in load_list_changes(db, snapshot_id)]


def first_seen(db: Database, source: str, events: list[ListEvent] | None = None) -> dict[str, dt.datetime]:
    """{entry key: when ddor-watch first saw it on the list, in its current unbroken run}; a
    rename carries the date over, an entry that left and came back starts again. `events`:
    the source's list_events when the caller has them already."""
    seen: dict[str, dt.datetime] = {}
    baseline_done = False
    for event in list_events(db, source) if events is None else events:
        change, fetched = event.change, event.seen
        if change.kind is ListChangeKind.BASELINE:
            if not baseline_done:
                seen.update({e.key: fetched for e in load_list(db, event.snapshot_id).entries})
                baseline_done = True
            continue
        if change.entry is None:
            continue
        if change.kind in _ARRIVALS:
            seen.setdefault(change.entry.key, fetched)
        elif change.kind is ListChangeKind.RENAMED and change.before is not None:
            seen[change.entry.key] = seen.pop(change.before.key, fetched)
        elif change.kind is ListChangeKind.REMOVED:
            seen.pop(change.entry.key, None)
    return seen


def current_agreements(db: Database, source: str, state: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The agreement list as it stands (its latest listed snapshot), by list, state and agency."""
    stored = latest_list(db, source, LISTED)
    if stored is None:
        return AGREEMENT_COLUMNS, []
    since = first_seen(db, source)
    rows = [(e.list_name, e.state, e.name, e.agency_type, e.county, e.fips, e.support_type,
             e.signed.isoformat() if e.signed else None, e.moa_url,
             since[e.key].date().isoformat() if e.key in since else None)
            for e in stored.entries if e.level is ListLevel.AGENCY and (state is None or e.state == state)]
    rows.sort(key=lambda r: (r[0] != PARTICIPATING, r[0], r[1] or "", r[2].casefold(), r[6] or ""))
    return AGREEMENT_COLUMNS, rows


def list_changes(db: Database, source: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every event of every list source (or one), oldest first."""
    rows: list[tuple[Any, ...]] = []
    for snapshot_id, name, fetched in _snapshots(db, source):
        for change in load_list_changes(db, snapshot_id):
            entry, before = change.entry, change.before
            rows.append((name, entry.list_name if entry else None, str(change.kind), entry.state if entry else None,
                         entry.name if entry else None, entry.support_type if entry else None,
                         entry.signed.isoformat() if entry and entry.signed else None, fetched.isoformat(),
                         before.name if before else None, before.state if before else None, snapshot_id))
    return CHANGE_COLUMNS, rows


@dataclass(frozen=True)
class SnapshotSummary:
    """One stored version of a list: when it was seen, whether it was there, and what changed."""

    seen: dt.datetime
    status: str                        # listed | gone
    entries: int
    kinds: dict[str, int]              # change kind -> how many


def snapshot_summaries(db: Database, source: str) -> list[SnapshotSummary]:
    """Every stored version of one source's list, oldest first."""
    with db.session() as session:
        rows = list(session.execute(select(ListSnapshotRow.id, ListSnapshotRow.fetched_at, ListSnapshotRow.status,
                                           ListSnapshotRow.entry_count).where(ListSnapshotRow.source == source)
                                    .order_by(ListSnapshotRow.id)))
        counts: dict[int, dict[str, int]] = {}
        for snapshot_id, kind in session.execute(select(ListChangeRow.snapshot_id, ListChangeRow.kind).where(
                ListChangeRow.snapshot_id.in_([r[0] for r in rows]), ListChangeRow.role == "")):
            counts.setdefault(snapshot_id, {}).setdefault(kind, 0)
            counts[snapshot_id][kind] += 1
    return [SnapshotSummary(as_utc(fetched) or fetched, status, entries, counts.get(snapshot_id, {}))
            for snapshot_id, fetched, status, entries in rows]
