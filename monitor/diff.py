"""`diff(previous, current) -> list[Change]`: what became news. Pure: no I/O, no clock.

Places match by county FIPS, else by state and folded name (db.store.jurisdiction_key), so
"CLARK COUNTY, NV" and "Clark County, Nevada" are one place and Franklin County IA, NY and PA
never merge. When `current` is a revision of `previous`'s period the result starts with a
`correction` and names every row and value that changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ddor_watch.db.records import (
    Change,
    ChangeKind,
    DeclinedDetainer,
    Policy,
    ReportSnapshot,
    Scalar,
    TopJurisdiction,
)
from ddor_watch.db.text import jurisdiction_key

KINDS = tuple(ChangeKind)


@dataclass(frozen=True)
class _Where:
    """Where a change happened: the place and the page of its row in the current report."""

    jurisdiction: str | None
    state: str | None
    county_fips: str | None
    page: int | None

    def change(self, kind: ChangeKind, *, before: Scalar = None, after: Scalar = None,
               count: int | None = None) -> Change:
        return Change(kind, self.jurisdiction, self.state, self.county_fips, before, after, count, self.page)


def _int(value: Scalar) -> int:
    """A top-ten change's rank or count (stored as a scalar that is an int for these kinds)."""
    if not isinstance(value, int):
        raise TypeError(f"expected a number in a top-ten change, got {value!r}")
    return value


def _top_key(t: TopJurisdiction) -> str:
    return jurisdiction_key(t.state, t.jurisdiction, t.county_fips)


def _policy_key(p: Policy) -> str:
    return jurisdiction_key(p.state, p.jurisdiction, p.county_fips)


def is_revision(previous: ReportSnapshot, current: ReportSnapshot) -> bool:
    return (previous.period_start, previous.period_end) == (current.period_start, current.period_end)


def diff(previous: ReportSnapshot | None, current: ReportSnapshot) -> list[Change]:
    if previous is None:
        return [Change(ChangeKind.FIRST_REPORT, count=current.declined_total, after=len(current.jurisdictions),
                       detail="first report stored: a baseline, not a change")]
    revision = is_revision(previous, current)
    if revision and previous.sha256 == current.sha256:
        return []  # the very same document
    changes: list[Change] = []
    if revision:
        changes.append(Change(ChangeKind.CORRECTION, before=previous.sha256, after=current.sha256,
                              detail=f"revision {current.revision} replaces revision {previous.revision}"))
    if previous.detainers_issued_total != current.detainers_issued_total:
        changes.append(Change(ChangeKind.NATIONWIDE_TOTAL_CHANGED, before=previous.detainers_issued_total,
                              after=current.detainers_issued_total))
    if previous.declined_total != current.declined_total:
        changes.append(Change(ChangeKind.DECLINED_TOTAL_CHANGED, before=previous.declined_total,
                              after=current.declined_total))
    changes += _top_ten(previous.top_jurisdictions, current.top_jurisdictions)
    changes += _listings(previous, current, revision)
    changes += _policies(previous.policies, current.policies)
    if revision:
        changes += _rows(previous.declined_detainers, current.declined_detainers)
    return changes


def _top_ten(before: tuple[TopJurisdiction, ...], after: tuple[TopJurisdiction, ...]) -> list[Change]:
    old = {_top_key(t): t for t in before}
    new = {_top_key(t): t for t in after}
    changes = []
    for key, t in sorted(new.items(), key=lambda kv: kv[1].rank):
        where = _Where(t.jurisdiction, t.state, t.county_fips, t.page)
        if key not in old:
            changes.append(where.change(ChangeKind.ENTERED_TOP_TEN, after=t.rank, count=t.detainers_issued))
            continue
        was = old[key]
        if was.rank != t.rank:
            changes.append(where.change(ChangeKind.RANK_MOVED, before=was.rank, after=t.rank, count=t.detainers_issued))
        if was.detainers_issued != t.detainers_issued:
            changes.append(where.change(ChangeKind.TOP_TEN_COUNT_CHANGED, before=was.detainers_issued,
                                  after=t.detainers_issued, count=t.detainers_issued))
    for key, t in sorted(old.items(), key=lambda kv: kv[1].rank):
        if key not in new:
            changes.append(Change(ChangeKind.LEFT_TOP_TEN, jurisdiction=t.jurisdiction, state=t.state,
                                  county_fips=t.county_fips, before=t.rank, count=t.detainers_issued))
    return changes


def _listings(previous: ReportSnapshot, current: ReportSnapshot, revision: bool) -> list[Change]:
    old = {j.key: j for j in previous.jurisdictions}
    new = {j.key: j for j in current.jurisdictions}
    changes = []
    for key, j in sorted(new.items(), key=lambda kv: (kv[1].state or "", kv[1].name)):
        where = _Where(j.name, j.state, j.county_fips, j.first_page)
        if key not in old:
            kind = ChangeKind.LISTED_AGAIN if key in current.listed_before else ChangeKind.NEWLY_LISTED
            changes.append(where.change(kind, after=j.declined, count=j.declined))
        elif revision and old[key].declined != j.declined:
            changes.append(where.change(ChangeKind.DECLINED_COUNT_CHANGED, before=old[key].declined, after=j.declined,
                                  count=j.declined))
    for key, j in sorted(old.items(), key=lambda kv: (kv[1].state or "", kv[1].name)):
        if key not in new:
            changes.append(Change(ChangeKind.NO_LONGER_LISTED, jurisdiction=j.name, state=j.state,
                                  county_fips=j.county_fips, before=j.declined))
    return changes


def _policies(before: tuple[Policy, ...], after: tuple[Policy, ...]) -> list[Change]:
    old = {_policy_key(p): p for p in before}
    new = {_policy_key(p): p for p in after}
    changes = []
    for key, p in new.items():
        where = _Where(p.jurisdiction, p.state, p.county_fips, p.page)
        if key not in old:
            changes.append(where.change(ChangeKind.POLICY_ADDED, after=p.policy_type))
        elif old[key].policy_type != p.policy_type:
            changes.append(where.change(ChangeKind.POLICY_TYPE_CHANGED, before=old[key].policy_type,
                                        after=p.policy_type))
        elif old[key].description != p.description:
            changes.append(where.change(ChangeKind.POLICY_DESCRIPTION_CHANGED, before=old[key].description[:500],
                                  after=p.description[:500]))
    for key, p in old.items():
        if key not in new:
            changes.append(Change(ChangeKind.POLICY_REMOVED, jurisdiction=p.jurisdiction, state=p.state,
                                  county_fips=p.county_fips, before=p.policy_type))
    return changes


def _row_summary(d: DeclinedDetainer) -> str:
    parts = [d.county or "?", d.state or "?", d.city or "", d.facility or "", d.citizenship or "",
             d.detainer_issued_date.isoformat() if d.detainer_issued_date else "",
             d.declined_date.isoformat() if d.declined_date else "", "; ".join(d.notable_criminal_activity)]
    return " | ".join(parts)


def _rows(before: tuple[DeclinedDetainer, ...], after: tuple[DeclinedDetainer, ...]) -> list[Change]:
    """Section II rows that a correction removed or added (rows compared without their page)."""
    old = Counter(_row_summary(d) for d in before)
    new = Counter(_row_summary(d) for d in after)
    changes = []
    seen: Counter[str] = Counter()
    for d in before:
        summary = _row_summary(d)
        seen[summary] += 1
        if seen[summary] <= old[summary] - new[summary]:
            changes.append(Change(ChangeKind.ROW_REMOVED, jurisdiction=d.county, state=d.state,
                                  county_fips=d.county_fips, before=summary, page=d.page))
    seen.clear()
    for d in after:
        summary = _row_summary(d)
        seen[summary] += 1
        if seen[summary] <= new[summary] - old[summary]:
            changes.append(Change(ChangeKind.ROW_ADDED, jurisdiction=d.county, state=d.state,
                                  county_fips=d.county_fips, after=summary, page=d.page))
    return changes


def apply_top_ten(before: tuple[TopJurisdiction, ...], changes: list[Change]) -> dict[str, tuple[int, int]]:
    """Replay top-ten changes on a previous top ten: {key: (rank, detainers issued)}."""
    table = {_top_key(t): (t.rank, t.detainers_issued) for t in before}
    for c in changes:
        key = jurisdiction_key(c.state, c.jurisdiction, c.county_fips)
        if c.kind is ChangeKind.LEFT_TOP_TEN:
            table.pop(key, None)
        elif c.kind is ChangeKind.ENTERED_TOP_TEN:
            table[key] = (_int(c.after), c.count or 0)
        elif c.kind is ChangeKind.RANK_MOVED:
            table[key] = (_int(c.after), table[key][1])
        elif c.kind is ChangeKind.TOP_TEN_COUNT_CHANGED:
            table[key] = (table[key][0], _int(c.after))
    return table
