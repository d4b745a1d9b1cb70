"""What changed between two snapshots of a list: presence (gone, back, baseline) here, and
the entries by the kind's own diff (keyed for jurisdictions, matched for agreements)."""

from __future__ import annotations

from collections.abc import Callable

from ddor_watch.db.lists import StoredList
from ddor_watch.db.records import ListChange, ListChangeKind, ListEntry

EntryDiff = Callable[[tuple[ListEntry, ...], tuple[ListEntry, ...]], list[ListChange]]


def diff_entries(before: tuple[ListEntry, ...], after: tuple[ListEntry, ...]) -> list[ListChange]:
    """Entries added and removed, by their stable key, in the order the page prints them."""
    old = {e.key: e for e in before}
    new = {e.key: e for e in after}
    return ([ListChange(ListChangeKind.ADDED, e) for e in after if e.key not in old]
            + [ListChange(ListChangeKind.REMOVED, e) for e in before if e.key not in new])


def diff_list(previous: StoredList | None, last_listed: StoredList | None,
              entries: tuple[ListEntry, ...] | None, diff: EntryDiff = diff_entries) -> list[ListChange]:
    """`entries` None means the page is gone (404/410). The first snapshot is a silent baseline."""
    if entries is None:
        return [ListChange(ListChangeKind.GONE)] if previous is not None and previous.status == "listed" else []
    if previous is None:
        return [ListChange(ListChangeKind.BASELINE)]
    back = [ListChange(ListChangeKind.BACK)] if previous.status == "gone" else []
    return back + diff(last_listed.entries if last_listed else (), entries)
