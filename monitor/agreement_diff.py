"""What changed between two readings of an agreement list (ICE's 287(g) workbooks).

ICE edits its own rows: between two updates one agreement can come back with its agency
re-spelled ("Ft." spelled out, "City of" dropped, the signatory changed from the sheriff's
office to the county's board), under a corrected state, or twice and then once. A keyed
diff would call each of those one agreement ended and one new. Here rows are matched the
way a reporter would: an agreement is its support type and signed date (neither changes
when ICE edits a row) plus its agency, compared by the part of the name that names the
place. What the evidence cannot decide is UNDECIDED: held for a maintainer, never guessed.

Pure: no I/O, no clock. `diff_agreements(before, after) -> list[ListChange]`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher
from enum import Enum
from functools import lru_cache

from ddor_watch.db.records import PARTICIPATING, PENDING, ListChange, ListChangeKind, ListEntry
from ddor_watch.db.text import fold

# Two cores at least this alike name one agency re-spelled ("Hernado" / "Hernando").
SIMILAR = 0.85
# Words that say what kind of body signed, not which place: ICE swaps them between updates.
_FILLER = frozenset({"CITY", "OF", "THE", "COUNTY", "SHERIFF", "SHERIFFS", "S", "OFFICE", "DEPARTMENT", "POLICE",
                     "BOARD", "COMMISSIONERS", "COMMISSION", "TOWN", "VILLAGE", "TOWNSHIP", "PARISH", "BOROUGH",
                     "GOVERNMENT", "PD", "SO", "DEPT", "AND"})
_EXPAND = {"FT": "FORT", "ST": "SAINT", "STE": "SAINTE", "MT": "MOUNT", "CO": "COUNTY", "CNTY": "COUNTY",
           "TWP": "TOWNSHIP", "DEPT": "DEPARTMENT"}


class Match(Enum):
    NONE = 0
    WEAK = 1      # the same place and model, but not enough to call it one agreement
    STRONG = 2


@lru_cache(maxsize=65536)
def core(name: str) -> str:
    """The words of an agency's name that name its place: "City of Ft. Myers Police Department"
    -> "FORT MYERS". The whole folded name when nothing else is left."""
    words = [_EXPAND.get(word, word) for word in fold(name).split()]
    kept = [word for word in words if word not in _FILLER]
    return " ".join(kept) or " ".join(words)


def similarity(a: str, b: str) -> float:
    ca, cb = core(a), core(b)
    if ca == cb:
        return 1.0
    if re.findall(r"\d+", ca) != re.findall(r"\d+", cb):
        return 0.0     # "Precinct 4" and "Precinct 5" are two agencies, however alike the rest
    matcher = SequenceMatcher(None, ca, cb)
    # The cheap upper bounds first: most pairs are nothing alike.
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return matcher.quick_ratio()
    return matcher.ratio()


class _Index:
    """Entries by what a match needs to share (the model, and the signed date or the state),
    so that matching a list of a thousand rows compares each row with a few, not all."""

    def __init__(self, entries: list[ListEntry]) -> None:
        self.entries = entries
        self.by_date: dict[tuple[str, object], list[int]] = defaultdict(list)
        self.by_state: dict[tuple[str, object], list[int]] = defaultdict(list)
        for index, entry in enumerate(entries):
            self.by_date[(_model(entry), entry.signed)].append(index)
            self.by_state[(_model(entry), entry.state)].append(index)

    def candidates(self, entry: ListEntry) -> list[int]:
        found = set(self.by_date.get((_model(entry), entry.signed), ()))
        found.update(self.by_state.get((_model(entry), entry.state), ()))
        return sorted(found)

    def strong(self, entry: ListEntry) -> ListEntry | None:
        """The indexed entry that is plainly the same agreement, if any."""
        return next((self.entries[i] for i in self.candidates(entry)
                     if match(entry, self.entries[i]) is Match.STRONG), None)


def _model(entry: ListEntry) -> str:
    return fold(entry.support_type or "")


def match(before: ListEntry, after: ListEntry) -> Match:
    """Is `after` the agreement `before` was, as ICE re-printed it?"""
    if _model(before) != _model(after):
        return Match.NONE
    dated = before.signed is not None and after.signed is not None
    if (before.signed or after.signed) and before.signed != after.signed:
        # A new signed date is a new agreement unless the agency is plainly the same (held).
        return Match.WEAK if before.state == after.state and similarity(before.name, after.name) >= SIMILAR \
            else Match.NONE
    if before.state == after.state:
        if similarity(before.name, after.name) >= SIMILAR:
            return Match.STRONG
        same_county = before.fips is not None and before.fips == after.fips
        return Match.WEAK if same_county else Match.NONE
    # Another state: a corrected state keeps the name and the date; without a date, hold.
    if core(before.name) == core(after.name):
        return Match.STRONG if dated else Match.WEAK
    return Match.NONE


def _grouped(entries: Iterable[ListEntry]) -> dict[str, list[ListEntry]]:
    groups: dict[str, list[ListEntry]] = defaultdict(list)
    for entry in entries:
        groups[entry.key].append(entry)
    return groups


def _same_rows(before: list[ListEntry], after: list[ListEntry]
               ) -> tuple[list[ListChange], list[ListEntry], list[ListEntry]]:
    """Rows under the same key: field edits and duplicates; the rest are unmatched."""
    changes: list[ListChange] = []
    old, new = _grouped(before), _grouped(after)
    for key in dict.fromkeys([*new, *old]):
        was, now = old.get(key, []), new.get(key, [])
        if not was or not now:
            continue
        for b, a in zip(was, now, strict=False):
            if b.signed != a.signed:
                changes.append(ListChange(ListChangeKind.SIGNED_DATE_CHANGED, a, b))
            if b.moa_url is None and a.moa_url is not None:
                changes.append(ListChange(ListChangeKind.MOA_PUBLISHED, a, b))
        changes += [ListChange(ListChangeKind.DUPLICATE_REMOVED, b) for b in was[len(now):]]
        changes += [ListChange(ListChangeKind.DUPLICATE_ADDED, a) for a in now[len(was):]]
    removed = [e for key, rows in old.items() if key not in new for e in rows]
    added = [e for key, rows in new.items() if key not in old for e in rows]
    return changes, removed, added


def _diff_part(before: list[ListEntry], after: list[ListEntry]) -> list[ListChange]:
    changes, removed, added = _same_rows(before, after)
    index = _Index(added)
    found = {(i, j): match(r, added[j]) for i, r in enumerate(removed) for j in index.candidates(r)}
    strong = {pair for pair, kind in found.items() if kind is Match.STRONG}
    weak = {pair for pair, kind in found.items() if kind is Match.WEAK}
    renamed: dict[int, int] = {}
    undecided: set[tuple[int, int]] = set()
    per_removed: dict[int, int] = defaultdict(int)
    per_added: dict[int, int] = defaultdict(int)
    for i, j in strong:
        per_removed[i] += 1
        per_added[j] += 1
    for i, j in sorted(strong):
        if per_removed[i] > 1 or per_added[j] > 1:
            undecided.add((i, j))          # one row matches two: which one ICE meant is not ours to guess
        else:
            renamed[i] = j
    undecided |= {(i, j) for i, j in weak if i not in renamed and j not in renamed.values()}
    held_removed, held_added = {i for i, _ in undecided}, {j for _, j in undecided}
    renamed_keys = {removed[i].key for i in renamed}
    kept_keys = {e.key for e in before} & {e.key for e in after}
    kept = _Index([e for e in after if e.key in kept_keys])     # agreements listed before and still listed
    new_rows: list[ListChange] = []
    held_twins: list[ListChange] = []
    for j, entry in enumerate(added):
        if j in renamed.values() or j in held_added:
            continue
        # A new row that reads like an agreement still listed: a re-spelled duplicate, or a second
        # signatory in the same place on the same day. Not ours to call: held.
        twin = kept.strong(entry)
        if twin is not None:
            held_twins.append(ListChange(ListChangeKind.UNDECIDED, entry, twin))
        else:
            new_rows.append(ListChange(ListChangeKind.ADDED, entry))
    gone_rows: list[ListChange] = []
    for i, entry in enumerate(removed):
        if i in renamed or i in held_removed:
            continue
        # A row gone while the same agreement is still listed under another spelling: a duplicate.
        still = entry.key in renamed_keys or kept.strong(entry) is not None
        gone_rows.append(ListChange(ListChangeKind.DUPLICATE_REMOVED if still else ListChangeKind.REMOVED, entry))
    return (new_rows + gone_rows
            + [ListChange(ListChangeKind.RENAMED, added[j], removed[i]) for i, j in sorted(renamed.items())]
            + [ListChange(ListChangeKind.UNDECIDED, added[j], removed[i]) for i, j in sorted(undecided)]
            + held_twins + changes)


def _signed(pending: ListEntry, participating: Iterable[ListEntry]) -> ListEntry | None:
    """The participating row a pending request became, if any (its support type when ICE
    printed one, its state, and the same agency)."""
    for entry in participating:
        if entry.state != pending.state or similarity(entry.name, pending.name) < SIMILAR:
            continue
        if pending.support_type and _model(pending) != _model(entry):
            continue
        return entry
    return None


def diff_agreements(before: tuple[ListEntry, ...], after: tuple[ListEntry, ...]) -> list[ListChange]:
    """Every event between two readings of both workbooks, each list on its own; a pending
    request that left its list while the agency is now participating was signed."""
    parts = list(dict.fromkeys([*(e.list_name for e in after), *(e.list_name for e in before)]))
    changes: list[ListChange] = []
    for part in parts:
        changes += _diff_part([e for e in before if e.list_name == part],
                              [e for e in after if e.list_name == part])
    participating = [e for e in after if e.list_name == PARTICIPATING]
    result: list[ListChange] = []
    for change in changes:
        if change.kind is ListChangeKind.REMOVED and change.entry and change.entry.list_name == PENDING:
            signed = _signed(change.entry, participating)
            if signed is not None:
                result.append(ListChange(ListChangeKind.SIGNED, signed, change.entry))
                continue
        result.append(change)
    return result
