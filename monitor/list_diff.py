"""What changed between two snapshots of a jurisdiction list."""

from __future__ import annotations

from ddor_watch.db.lists import StoredList
from ddor_watch.db.records import ListChange, ListChangeKind, ListEntry


def diff_entries(before: tuple[ListEntry, ...], after: tuple[ListEntry, ...]) -> list[ListChange]:
    """Entries added and removed, by their stable key, in the order the page prints them."""
    old = {e.key: e for e in before}
    new = {e.key: e for e in after}
    return ([ListChange(ListChangeKind.ADDED, e) for e in after if e.key not in old]
            + [ListChange(ListChangeKind.REMOVED, e) for e in before if e.key not in new])


def diff_list(previous: StoredList | None, last_listed: StoredList | None,
              entries: tuple[ListEntry, ...] | None) -> list[ListChange]:
    """`entries` None means the page is gone (404/410). The first snapshot is a silent baseline."""
    if entries is None:
        return [ListChange(ListChangeKind.GONE)] if previous is not None and previous.status == "listed" else []
    if previous is None:
        return [ListChange(ListChangeKind.BASELINE)]
    back = [ListChange(ListChangeKind.BACK)] if previous.status == "gone" else []
    return back + diff_entries(last_listed.entries if last_listed else (), entries)
